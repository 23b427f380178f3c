/** The AADSTS cases the token endpoint answers, with the numbers it uses (see README for which are Entra's own). */
export type AadstsCase =
  | 'tenantedAuthorityRequired'
  | 'missingParameter'
  | 'unsupportedGrantType'
  | 'applicationNotFound'
  | 'noClientCertificate'
  | 'certificateNotRegistered'
  | 'tokenTypeNotMtlsPop'
  | 'clientAssertionNotAllowed'
  | 'invalidScope'
  | 'resourceNotEnrolled'
  | 'serviceError'
  | 'invalidClientAssertion'
  | 'assertionTimeRange';

export const AADSTS_CODES: Readonly<Record<AadstsCase, number>> = {
  tenantedAuthorityRequired: 50059, // Entra: no tenant-identifying information
  missingParameter: 900144, // Entra: the request body must contain parameter X
  unsupportedGrantType: 70003, // Entra: unsupported_grant_type
  applicationNotFound: 700016, // Entra: application not found in the directory
  noClientCertificate: 7000218, // Entra: body must contain client_assertion or client_secret (no credential)
  certificateNotRegistered: 700027, // Entra: certificate not registered on the application
  tokenTypeNotMtlsPop: 392190, // emulator's choice
  clientAssertionNotAllowed: 392191, // emulator's choice
  invalidScope: 1002012, // Entra: client credential scope must end in /.default
  resourceNotEnrolled: 392196, // Entra: resource not enrolled for mTLS PoP
  serviceError: 90033, // Entra: a transient service error (used for injected 5xx)
  invalidClientAssertion: 700027, // Entra: client assertion fails signature validation (Bearer endpoint)
  assertionTimeRange: 700024, // Entra: client assertion is not within its valid time range (Bearer endpoint)
};

/** An Entra-shaped OAuth error body. */
export interface AadstsErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
}

/** Entra's timestamp style: `2024-05-01 12:34:56Z`. */
export function aadstsTimestamp(date: Date): string {
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** The body Entra would send: description `AADSTSnnnn: …` followed by trace, correlation and time lines. */
export function aadstsErrorBody(
  error: string,
  aadstsCase: AadstsCase,
  message: string,
  context: { traceId: string; correlationId: string; now: Date },
): AadstsErrorBody {
  const code = AADSTS_CODES[aadstsCase];
  const timestamp = aadstsTimestamp(context.now);
  return {
    error,
    error_description: `AADSTS${code}: ${message}\r\nTrace ID: ${context.traceId}\r\nCorrelation ID: ${context.correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: context.traceId,
    correlation_id: context.correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  };
}
