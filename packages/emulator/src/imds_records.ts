import type { IncomingHttpHeaders } from 'node:http';

/** One request to the IMDS listener, as it arrived. */
export interface ImdsRequestRecord {
  method: string;
  /** Path without the query, e.g. `/metadata/identity/getplatformmetadata`. */
  path: string;
  /** The raw query string without `?`, exactly as sent (selector values are not percent-encoded by MSAL, §1.2). */
  query: string;
  headers: IncomingHttpHeaders;
  /** The body as UTF-8 text ('' for GET). */
  body: string;
  /** The HTTP status answered; 0 while pending. A truncated response keeps the status it declared. */
  status: number;
}

/** Live IMDS counters. */
export interface ImdsStats {
  /** getplatformmetadata requests that carried `Metadata: true`. */
  metadataRequests: number;
  /** getplatformmetadata requests without `Metadata: true`: the IMDSv2 probe (spec §1.4). */
  probeRequests: number;
  /** Every request to issuecredential. */
  issuanceRequests: number;
  /** Successful issuances. */
  certificatesIssued: number;
}

/** A binding certificate the IMDS listener issued. */
export interface ImdsIssuedCertificate {
  clientId: string;
  identityType: 'SystemAssigned' | 'UserAssigned';
  certPem: string;
  x5tS256: string;
  notBefore: Date;
  notAfter: Date;
}

export function emptyImdsStats(): ImdsStats {
  return { metadataRequests: 0, probeRequests: 0, issuanceRequests: 0, certificatesIssued: 0 };
}
