import { createHash, randomBytes } from 'node:crypto';
import { signJwt } from './jwt.js';
import type { TokenSigningKey } from './signing_key.js';

/** What an mTLS PoP access token says. */
export interface AccessTokenInput {
  issuerHost: string;
  tenantId: string;
  clientId: string;
  audience: string;
  /** `cnf["x5t#S256"]`: the certificate the token is bound to. */
  x5tS256: string;
  nowSeconds: number;
  lifetimeSeconds: number;
}

/** A stable GUID-shaped id derived from `parts`: the same app gets the same service principal `oid`. */
export function derivedGuid(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The claims of an app-only v2.0 token, bound to a certificate (RFC 8705 §3.1). */
export function accessTokenClaims(input: AccessTokenInput): Record<string, unknown> {
  const iss = `https://${input.issuerHost}/${input.tenantId}/v2.0`;
  const oid = derivedGuid('service-principal', input.tenantId.toLowerCase(), input.clientId.toLowerCase());
  return {
    aud: input.audience,
    iss,
    iat: input.nowSeconds,
    nbf: input.nowSeconds,
    exp: input.nowSeconds + input.lifetimeSeconds,
    appid: input.clientId,
    appidacr: '2', // 2 = authenticated with a certificate
    azp: input.clientId,
    azpacr: '2',
    idp: iss,
    idtyp: 'app',
    oid,
    sub: oid,
    tid: input.tenantId,
    uti: randomBytes(16).toString('base64url'),
    ver: '2.0',
    cnf: { 'x5t#S256': input.x5tS256 },
  };
}

/** Signs claims with the emulator's key: RS256, `typ: JWT`, the key's `kid`. */
export function signAccessToken(claims: Record<string, unknown>, key: TokenSigningKey): string {
  return signJwt({ typ: 'JWT', kid: key.kid }, claims, key.privateKey);
}
