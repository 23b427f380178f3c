import { createHash } from 'node:crypto';

/**
 * The PKCS#12 key derivation (RFC 7292 appendix B). It derives the MAC key of every PFX and the
 * key and IV of the PKCS#12 PBE schemes (pbeWithSHAAnd3-KeyTripleDES-CBC and friends). node:crypto
 * has no binding for it, so it is written out here over createHash.
 */

/** Purpose byte (RFC 7292 B.3): the same password and salt give unrelated bytes per purpose. */
export const KDF_ID_KEY = 1;
export const KDF_ID_IV = 2;
export const KDF_ID_MAC = 3;

/** Hashes the KDF can run over, with v, the hash's input block size in bytes (RFC 7292 B.2). */
const blockSizes: Record<string, number> = {
  sha1: 64,
  sha224: 64,
  sha256: 64,
  sha384: 128,
  sha512: 128,
};

/** Highest iteration count accepted: the loop runs in JavaScript, and a hostile file must not hang us. */
export const MAX_PKCS12_KDF_ITERATIONS = 1_000_000;

/**
 * The password as RFC 7292 B.1 wants it: a BMPString (big-endian UTF-16) with a two-byte zero
 * terminator. JavaScript strings are UTF-16 already, so characters outside the BMP become
 * surrogate pairs, as OpenSSL and Windows encode them.
 */
export function bmpPassword(passphrase: string): Buffer {
  const out = Buffer.alloc(passphrase.length * 2 + 2);
  for (let i = 0; i < passphrase.length; i++) out.writeUInt16BE(passphrase.charCodeAt(i), i * 2);
  return out;
}

/** Repeats `bytes` to fill a multiple of `v` bytes (RFC 7292 B.2 steps 2-3); empty stays empty. */
function fill(bytes: Uint8Array, v: number): Buffer {
  const out = Buffer.alloc(v * Math.ceil(bytes.length / v));
  for (let i = 0; i < out.length; i++) out[i] = bytes[i % bytes.length] as number;
  return out;
}

/**
 * RFC 7292 B.2: derives `length` bytes for purpose `id` from `password` (already in its BMPString
 * form, or zero-length) and `salt`, hashing `iterations` times per block.
 */
export function pkcs12Kdf(
  hash: string,
  password: Uint8Array,
  salt: Uint8Array,
  id: number,
  iterations: number,
  length: number,
): Buffer {
  const v = blockSizes[hash];
  if (v === undefined) throw new RangeError(`PKCS#12 KDF: unsupported hash ${hash}`);
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_PKCS12_KDF_ITERATIONS) {
    throw new RangeError(`PKCS#12 KDF: iteration count ${iterations} is out of range`);
  }
  const diversifier = Buffer.alloc(v, id); // step 1: D = v copies of ID
  const input = Buffer.concat([fill(salt, v), fill(password, v)]); // step 4: I = S || P
  const blocks: Buffer[] = [];
  let produced = 0;
  for (;;) {
    // Step 6a: A_i = H^r(D || I).
    let a = createHash(hash).update(diversifier).update(input).digest();
    for (let r = 1; r < iterations; r++) a = createHash(hash).update(a).digest();
    blocks.push(a);
    produced += a.length;
    if (produced >= length) break;
    // Steps 6b-6c: B = A_i repeated to v bytes; each v-byte block I_j of I becomes
    // (I_j + B + 1) mod 2^(8v), a big-endian addition.
    const b = fill(a, v);
    for (let j = 0; j < input.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = (input[j + k] as number) + (b[k] as number) + carry;
        input[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(blocks).subarray(0, length); // step 7-8: the first n bytes of A_1 || A_2 ...
}

/** True when `hash` (a node:crypto name) can run the PKCS#12 KDF. */
export function isPkcs12KdfHash(hash: string): boolean {
  return blockSizes[hash] !== undefined;
}
