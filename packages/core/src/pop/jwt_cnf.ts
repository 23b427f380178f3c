/**
 * Reads the confirmation claim of an access token without verifying its signature: the token is
 * for the resource, we only check that it is bound to the certificate we hold (RFC 8705 §3.1).
 * Returns `undefined` for a token that is not a compact JWS (opaque or encrypted tokens cannot be
 * checked), `null` for a JWT with no `cnf["x5t#S256"]`.
 */
export function readCnfThumbprint(accessToken: string): string | null | undefined {
  const first = accessToken.indexOf('.');
  const second = accessToken.indexOf('.', first + 1);
  if (first <= 0 || second <= first + 1 || accessToken.indexOf('.', second + 1) !== -1) return undefined;
  const header = decodeJsonSegment(accessToken.slice(0, first));
  if (header === undefined || typeof header.alg !== 'string') return undefined;
  const payload = decodeJsonSegment(accessToken.slice(first + 1, second));
  if (payload === undefined) return null;
  const cnf = payload.cnf;
  if (typeof cnf !== 'object' || cnf === null) return null;
  const thumbprint = (cnf as Record<string, unknown>)['x5t#S256'];
  return typeof thumbprint === 'string' ? thumbprint : null;
}

/** Decodes the claims of a compact JWT for display (the CLI). No signature check. */
export function decodeJwtClaims(accessToken: string): Record<string, unknown> | undefined {
  const parts = accessToken.split('.');
  return parts.length === 3 && parts[1] !== undefined ? decodeJsonSegment(parts[1]) : undefined;
}

const base64url = /^[A-Za-z0-9_-]*$/;

function decodeJsonSegment(segment: string): Record<string, unknown> | undefined {
  if (!base64url.test(segment)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
