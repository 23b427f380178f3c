import { sign, verify, type KeyObject } from 'node:crypto';

/** A JWT split into its parts; nothing verified yet. */
export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

function encodePart(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Compact JWS, RS256 (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 §3.3). */
export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject): string {
  const signingInput = `${encodePart({ ...header, alg: 'RS256' })}.${encodePart(payload)}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), key).toString('base64url')}`;
}

/** Splits and JSON-parses a compact JWS; `undefined` when it is not one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  try {
    const header: unknown = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
    const payload: unknown = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
    if (!isObject(header) || !isObject(payload)) return undefined;
    return { header, payload, signingInput: `${headerPart}.${payloadPart}`, signature: Buffer.from(signaturePart, 'base64url') };
  } catch {
    return undefined;
  }
}

/** Checks an RS256 signature; any other `alg` fails (no `none`, no algorithm confusion). */
export function verifyJwtSignature(jwt: DecodedJwt, key: KeyObject): boolean {
  return jwt.header['alg'] === 'RS256' && verify('sha256', Buffer.from(jwt.signingInput), key, jwt.signature);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
