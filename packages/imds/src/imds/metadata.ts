/**
 * `GET /metadata/identity/getplatformmetadata` (spec §1.2, §1.3, §2): the CSR inputs.
 * Per spec "differs" point 4 the caller skips this call when a valid binding certificate is cached.
 */
import { ServerError } from '@msal-mtls/core';
import { callImds, checkCallOptions, httpFailure, imdsHeaders, parseJsonObject, transportFailure, type ImdsCallOptions } from './imds_call.js';
import type { ImdsHttpResponse } from './imds_http.js';

/** The getplatformmetadata answer (spec §2); cuId keeps only its non-empty vmId / vmssId. */
export interface PlatformMetadata {
  clientId: string;
  tenantId: string;
  cuId: { vmId?: string; vmssId?: string };
  attestationEndpoint: string;
}

const what = 'getplatformmetadata';

/**
 * Fetches and validates the platform metadata. Errors: ERR_IMDS_V2_NOT_SUPPORTED (404 after the
 * retries), ERR_IMDS_SERVICE_UNAVAILABLE, ERR_IMDS_REQUEST_FAILED, ERR_IMDS_INVALID_SERVER_HEADER,
 * ERR_IMDS_INVALID_METADATA, ERR_IMDS_TIMEOUT, ERR_IMDS_UNREACHABLE, ERR_IMDS_REDIRECT_REFUSED,
 * ERR_IMDS_RESPONSE_TOO_LARGE.
 */
export async function getPlatformMetadata(options: ImdsCallOptions): Promise<PlatformMetadata> {
  checkCallOptions(options);
  const result = await callImds(what, { method: 'GET', headers: imdsHeaders(options.correlationId, { metadata: true, json: false }) }, options);
  const failed = transportFailure(what, result, options);
  if (failed !== undefined) throw failed;
  const response = (result.outcome as { response: ImdsHttpResponse }).response;
  if (response.status === 404) {
    // A VM whose IMDS only speaks v1 (spec §1.5, §2: mtls_pop_token_not_supported_in_imds_v1).
    throw new ServerError(
      'ERR_IMDS_V2_NOT_SUPPORTED',
      { status: 404, correlationId: options.correlationId },
      { message: `[ImdsV2] ${what} answered 404 after ${result.attempts} attempts: this VM does not offer IMDSv2.` },
    );
  }
  if (response.status !== 200) throw httpFailure(what, response, options);
  checkServerHeader(response, options.correlationId);
  return parsePlatformMetadata(response.body, options.correlationId);
}

/** §1.3: the 200 answer must carry a `Server` header containing `IMDS` (case-insensitive). */
function checkServerHeader(response: ImdsHttpResponse, correlationId: string): void {
  const raw = response.headers['server'];
  const server = Array.isArray(raw) ? raw.join(', ') : raw;
  const problem =
    server === undefined ? "has no 'Server' header" : /imds/i.test(server) ? undefined : `has a 'Server' header that does not name IMDS (${JSON.stringify(server.slice(0, 100))})`;
  if (problem !== undefined) {
    throw new ServerError('ERR_IMDS_INVALID_SERVER_HEADER', { status: 200, correlationId }, { message: `[ImdsV2] The ${what} response ${problem}.` });
  }
}

/** §2: case-sensitive members; strings also accept JSON numbers; unknown members ignored. */
export function parsePlatformMetadata(body: Buffer, correlationId?: string): PlatformMetadata {
  const invalid = (why: string): ServerError =>
    new ServerError('ERR_IMDS_INVALID_METADATA', { status: 200, correlationId }, { message: `[ImdsV2] The ${what} response is invalid: ${why}.` });
  const json = parseJsonObject(body);
  if (json === undefined) throw invalid('the body is not a JSON object');

  const clientId = stringMember(json, 'clientId');
  if (clientId === undefined) throw invalid("'clientId' is missing, empty or not a string");
  const tenantId = stringMember(json, 'tenantId');
  if (tenantId === undefined) throw invalid("'tenantId' is missing, empty or not a string");

  const rawCuId = json['cuId'];
  if (typeof rawCuId !== 'object' || rawCuId === null || Array.isArray(rawCuId)) throw invalid("'cuId' is missing or not an object");
  const cuIdObject = rawCuId as Record<string, unknown>;
  const cuId: { vmId?: string; vmssId?: string } = {};
  for (const member of ['vmId', 'vmssId'] as const) {
    const value = cuIdObject[member];
    if (value === undefined || value === null) continue;
    const text = stringMember(cuIdObject, member);
    if (text === undefined && !(typeof value === 'string' && value.trim() === '')) throw invalid(`'cuId.${member}' is not a string`);
    if (text !== undefined) cuId[member] = text;
  }
  if (cuId.vmId === undefined && cuId.vmssId === undefined) throw invalid("'cuId' has neither a non-empty 'vmId' nor a non-empty 'vmssId'");

  const attestationEndpoint = stringMember(json, 'attestationEndpoint');
  // Required even when not attesting; MSAL.NET parses it as an absolute URI up front (§2).
  if (attestationEndpoint === undefined || !isAbsoluteUrl(attestationEndpoint)) {
    throw invalid("'attestationEndpoint' is missing or not an absolute URL");
  }
  return { clientId, tenantId, cuId, attestationEndpoint };
}

/** A non-blank string member, or a finite JSON number converted to text (MSAL.NET's JsonStringConverter). */
function stringMember(object: Record<string, unknown>, name: string): string | undefined {
  const value = object[name];
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function isAbsoluteUrl(value: string): boolean {
  if (value.trim() !== value) return false; // URL() would trim; we hand the value on verbatim
  try {
    return new URL(value).protocol.length > 1;
  } catch {
    return false;
  }
}
