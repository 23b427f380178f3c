/**
 * The issuecredential answer (spec §5.2) and the binding assembly that follows it (§5.3):
 * snake_case members, all required non-empty strings; the certificate is base64 DER; the token URL
 * is the mTLS endpoint + tenant + `/oauth2/v2.0/token`.
 */
import { X509Certificate } from 'node:crypto';
import { ServerError } from '@msal-mtls/core';
import { parseJsonObject } from './imds_call.js';

export interface IssuedCredential {
  /** Canonical client id: the ESTS `client_id` (matters for identities given by object/resource id). */
  clientId: string;
  /** `tenant_id` with surrounding `/` trimmed. */
  tenantId: string;
  /** "SystemAssigned" / "UserAssigned" (informational). */
  identityType: string;
  /** The binding certificate IMDS issued for our key. */
  certificate: X509Certificate;
  /** `mtls_authentication_endpoint` as IMDS sent it. */
  mtlsEndpoint: string;
  /** `<endpoint without trailing />/<tenant>/oauth2/v2.0/token` (§5.3). */
  tokenUrl: string;
}

const fields = ['client_id', 'tenant_id', 'certificate', 'identity_type', 'mtls_authentication_endpoint'] as const;

// Canonical padded base64, nothing else: no whitespace, no URL-safe alphabet, no junk after padding.
const strictBase64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** True when `text` is non-empty canonical base64 (the encoder would write exactly these characters). */
export function isStrictBase64(text: string): boolean {
  return text.length > 0 && strictBase64.test(text) && Buffer.from(text, 'base64').toString('base64') === text;
}

/** §5.3 step 2: endpoint with trailing `/` trimmed + `/` + tenant with `/` trimmed both ends + token path. */
export function mtlsTokenUrl(mtlsEndpoint: string, tenantId: string): string {
  return `${mtlsEndpoint.replace(/\/+$/, '')}/${tenantId.replace(/^\/+|\/+$/g, '')}/oauth2/v2.0/token`;
}

/** Parses and validates a 200 issuecredential body. Throws ServerError (status 200) with an ERR_IMDS_* code. */
export function parseIssuanceResponse(body: Buffer, correlationId?: string): IssuedCredential {
  const fail = (code: 'ERR_IMDS_INVALID_ISSUANCE_RESPONSE' | 'ERR_IMDS_INSECURE_TOKEN_ENDPOINT' | 'ERR_IMDS_INVALID_CERTIFICATE', why: string): ServerError =>
    new ServerError(code, { status: 200, correlationId }, { message: `[ImdsV2] The issuecredential response is malformed: ${why}.` });

  const json = parseJsonObject(body);
  if (json === undefined) throw fail('ERR_IMDS_INVALID_ISSUANCE_RESPONSE', 'the body is not a JSON object');
  const value: Partial<Record<(typeof fields)[number], string>> = {};
  for (const field of fields) {
    const member = json[field];
    if (typeof member !== 'string' || member.trim() === '') {
      throw fail('ERR_IMDS_INVALID_ISSUANCE_RESPONSE', `'${field}' is missing, empty or not a string`);
    }
    value[field] = member;
  }
  const { client_id: clientId, identity_type: identityType, mtls_authentication_endpoint: endpoint } = value as Required<typeof value>;

  // The tenant becomes a path segment of the token URL; only GUIDs and domain names may go there.
  const tenantId = value.tenant_id!.replace(/^\/+|\/+$/g, '');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(tenantId)) {
    throw fail('ERR_IMDS_INVALID_ISSUANCE_RESPONSE', "'tenant_id' is not a tenant id or domain name");
  }

  // The token request carries our binding certificate; only ever send it to an https endpoint.
  let url: URL | undefined;
  try {
    url = endpoint.trim() === endpoint ? new URL(endpoint) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || url.protocol !== 'https:' || url.hostname === '') {
    throw fail('ERR_IMDS_INSECURE_TOKEN_ENDPOINT', "'mtls_authentication_endpoint' is not an absolute https URL");
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw fail('ERR_IMDS_INVALID_ISSUANCE_RESPONSE', "'mtls_authentication_endpoint' has credentials, a query or a fragment");
  }

  return { clientId, tenantId, identityType, certificate: decodeCertificate(value.certificate!, fail), mtlsEndpoint: endpoint, tokenUrl: mtlsTokenUrl(endpoint, tenantId) };
}

function decodeCertificate(text: string, fail: (code: 'ERR_IMDS_INVALID_CERTIFICATE', why: string) => ServerError): X509Certificate {
  if (!isStrictBase64(text)) throw fail('ERR_IMDS_INVALID_CERTIFICATE', "'certificate' is not canonical base64");
  const der = Buffer.from(text, 'base64');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(der);
  } catch (error) {
    throw fail('ERR_IMDS_INVALID_CERTIFICATE', `'certificate' is not an X.509 DER certificate (${(error as Error).message})`);
  }
  // OpenSSL stops at the end of the first certificate; bytes after it mean this is not one DER leaf.
  if (certificate.raw.length !== der.length) throw fail('ERR_IMDS_INVALID_CERTIFICATE', "'certificate' has bytes after the DER certificate");
  try {
    // OpenSSL decodes the public key only when asked: a damaged one must fail here, typed, not later.
    void certificate.publicKey;
  } catch (error) {
    throw fail('ERR_IMDS_INVALID_CERTIFICATE', `'certificate' has a public key that cannot be read (${(error as Error).message})`);
  }
  return certificate;
}
