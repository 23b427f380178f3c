/**
 * `POST /metadata/identity/issuecredential` (spec §1.2, §5.1): trade our CSR (and, for a KeyGuard
 * key, the MAA attestation JWT) for a binding certificate.
 */
import { invalidArgument } from '@msal-mtls/core';
import { callImds, checkCallOptions, httpFailure, imdsHeaders, transportFailure, type ImdsCallOptions } from './imds_call.js';
import type { ImdsHttpResponse } from './imds_http.js';
import { isStrictBase64, parseIssuanceResponse, type IssuedCredential } from './issuance_response.js';

export interface IssueCredentialRequest {
  /** Single-line base64 of the CSR DER (spec §3.6). */
  csr: string;
  /** MAA JWT; omitted from the body when undefined (spec §5.1). */
  attestationToken?: string | undefined;
}

const what = 'issuecredential';

/**
 * The request body (spec §5.1): compact JSON, members `csr` then `attestation_token`.
 * MSAL.NET's System.Text.Json writes `+` as `\u002B`; JSON.stringify writes a raw `+`, the same JSON.
 */
export function issueCredentialBody(request: IssueCredentialRequest): string {
  if (typeof request !== 'object' || request === null) throw invalidArgument('request', 'an object', request);
  if (typeof request.csr !== 'string' || !isStrictBase64(request.csr)) {
    throw invalidArgument('request.csr', 'single-line base64 of the CSR DER', request.csr);
  }
  const token = request.attestationToken;
  if (token === undefined) return JSON.stringify({ csr: request.csr });
  // A JWT is visible ASCII; an empty token is never sent (spec §5.1 edge: unreachable for PoP).
  if (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token)) {
    throw invalidArgument('request.attestationToken', 'undefined or a non-empty JWT string', token);
  }
  return JSON.stringify({ csr: request.csr, attestation_token: token });
}

/**
 * Sends the CSR and returns the validated credential. Non-200 after the retries →
 * ERR_IMDS_REQUEST_FAILED (ERR_IMDS_SERVICE_UNAVAILABLE for 410/429/5xx); a 404 here is NOT the
 * "no IMDSv2" error (spec §5.2). Response problems → ERR_IMDS_INVALID_ISSUANCE_RESPONSE,
 * ERR_IMDS_INSECURE_TOKEN_ENDPOINT, ERR_IMDS_INVALID_CERTIFICATE. Transport as getPlatformMetadata.
 * The caller still runs verifyIssuedCertificate against its own key.
 */
export async function issueCredential(request: IssueCredentialRequest, options: ImdsCallOptions): Promise<IssuedCredential> {
  const body = Buffer.from(issueCredentialBody(request), 'utf8');
  checkCallOptions(options);
  const headers = imdsHeaders(options.correlationId, { metadata: true, json: true });
  // Explicit length: without it Node would send the body chunked.
  headers['Content-Length'] = String(body.length);
  const result = await callImds(what, { method: 'POST', headers, body }, options);
  const failed = transportFailure(what, result, options);
  if (failed !== undefined) throw failed;
  const response = (result.outcome as { response: ImdsHttpResponse }).response;
  if (response.status !== 200) throw httpFailure(what, response, options);
  return parseIssuanceResponse(response.body, options.correlationId);
}
