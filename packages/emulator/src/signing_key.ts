import { createHash, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

/** One RSA public key in JWK form, as Entra's `discovery/v2.0/keys` lists it. */
export interface Jwk {
  kty: 'RSA';
  use: 'sig';
  alg: 'RS256';
  kid: string;
  n: string;
  e: string;
}

/** A JSON Web Key Set. */
export interface Jwks {
  keys: Jwk[];
}

/** The key the emulator signs access tokens with. */
export interface TokenSigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwks: Jwks;
}

const generateKeyPairAsync = promisify(generateKeyPair);

/** A fresh RSA-2048 signing key; `kid` is its RFC 7638 JWK thumbprint, so it is stable for the key. */
export async function createTokenSigningKey(): Promise<TokenSigningKey> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  const { n, e } = publicKey.export({ format: 'jwk' });
  if (typeof n !== 'string' || typeof e !== 'string') throw new Error('RSA public key without n/e');
  // RFC 7638 §3: required members only, lexicographic order, no whitespace.
  const kid = createHash('sha256').update(JSON.stringify({ e, kty: 'RSA', n })).digest('base64url');
  return { kid, privateKey, publicKey, jwks: { keys: [{ kty: 'RSA', use: 'sig', alg: 'RS256', kid, n, e }] } };
}
