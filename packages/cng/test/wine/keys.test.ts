import type { Failure } from '../../src/native_binding.js';
import { constants, createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';

import { runUnderWine, wineAvailable, type WineRun } from './wine_harness.js';

const wine = wineAvailable() ? describe : describe.skip;

/** A Buffer as the Wine scripts write it (see wine-scripts/result.cjs). */
interface Bytes {
  base64: string;
}
/** A Failure carries no Buffer, so it arrives from Wine unchanged. */
type FailureData = Failure;
type Result<T> = ({ ok: true } & T) | FailureData;
type PublicKey = Result<{ modulus: Bytes; exponent: Bytes }>;
type Signature = Result<{ signature: Bytes }>;
interface Outcome {
  returned?: boolean;
  threw?: boolean;
  threwSync?: boolean;
  resolved?: boolean;
  rejected?: boolean;
  name?: string;
  message?: string;
  value?: unknown;
}

const NTE_INVALID_PARAMETER = 0x80090027;
const NTE_NOT_SUPPORTED = 0x80090029;
const NTE_INTERNAL_ERROR = 0x8009002d;

const message = Buffer.from('msal-mtls NCrypt signing test message');
const digest = createHash('sha256').update(message).digest();

function bytes(value: Bytes): Buffer {
  return Buffer.from(value.base64, 'base64');
}

function ok<T>(result: Result<T>): { ok: true } & T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result)}`);
  return result;
}

/** The exported RSA public key as a Linux-side KeyObject (JWK n/e → SPKI). */
function publicKey(exported: PublicKey): KeyObject {
  const { modulus, exponent } = ok(exported);
  return createPublicKey({ key: { kty: 'RSA', n: bytes(modulus).toString('base64url'), e: bytes(exponent).toString('base64url') }, format: 'jwk' });
}

function verifyPss(key: KeyObject, data: Buffer, signature: Signature): boolean {
  return verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, bytes(ok(signature).signature));
}

async function runScript<T>(script: string): Promise<T> {
  const run: WineRun<{ ok: boolean; value: T; error?: unknown }> = await runUnderWine(script, { digest: digest.toString('base64') });
  if (!run.result?.ok) throw new Error(`${script} failed (status ${run.status}): ${JSON.stringify(run.result?.error)}\n${run.output}`);
  expect(run.status).toBe(0);
  return run.result.value;
}

interface KeysRun {
  identity: { name: string | null; provider: string; closed: boolean; namedName: string | false };
  pssPublic: PublicKey;
  pssSignature: Signature;
  pkcs1Public: PublicKey;
  pkcs1Signature: Signature;
  properties: Record<'length' | 'keyUsage' | 'exportPolicy' | 'exportPolicyUnset' | 'virtualIso', Result<{ value: Bytes }>>;
  openKey: Result<object>;
  deleteEphemeral: Result<object>;
  closedAfterFailedDelete: boolean;
  exportAfterFailedDelete: boolean;
  finalizeFailure: Result<object>;
}

wine('NCrypt keys under Wine', () => {
  let run: KeysRun;
  beforeAll(async () => {
    run = await runScript<KeysRun>('keys.cjs');
  }, 60_000);

  it('creates an ephemeral 2048-bit RSA key with e = 65537 and exports its public key', () => {
    const key = publicKey(run.pssPublic);
    expect(key.asymmetricKeyDetails).toMatchObject({ modulusLength: 2048, publicExponent: 65537n });
    expect(bytes(ok(run.pssPublic).modulus)).toHaveLength(256);
    expect(bytes(ok(run.pssPublic).exponent).toString('hex')).toBe('010001');
  });

  it('makes an RSA-PSS (SHA-256, salt 32) signature that Linux verifies', () => {
    expect(verifyPss(publicKey(run.pssPublic), message, run.pssSignature)).toBe(true);
  });

  it('makes a PKCS#1 v1.5 SHA-256 signature (on a separate key) that Linux verifies', () => {
    const key = publicKey(run.pkcs1Public);
    expect(verify('sha256', message, { key, padding: constants.RSA_PKCS1_PADDING }, bytes(ok(run.pkcs1Signature).signature))).toBe(true);
  });

  it('signs the digest it was given: a tampered message or another key does not verify', () => {
    const tampered = Buffer.from(message);
    tampered[0] ^= 1;
    expect(verifyPss(publicKey(run.pssPublic), tampered, run.pssSignature)).toBe(false);
    expect(verifyPss(publicKey(run.pkcs1Public), message, run.pssSignature)).toBe(false);
  });

  it('reports name null for an ephemeral key, the name for a named one, and the provider', () => {
    expect(run.identity).toEqual({
      name: null,
      provider: 'Microsoft Software Key Storage Provider',
      closed: false,
      namedName: 'msal-mtls-wine-keys-test',
    });
  });

  it('sets Length (2048, little-endian DWORD): Wine would default to 1024', () => {
    expect(bytes(ok(run.properties.length).value).toString('hex')).toBe('00080000');
  });

  it('sets Key Usage and Export Policy when given, and leaves Export Policy unset when omitted', () => {
    expect(bytes(ok(run.properties.keyUsage).value).toString('hex')).toBe('ffffff00');
    expect(bytes(ok(run.properties.exportPolicy).value).toString('hex')).toBe('00000000');
    // Wine only has an Export Policy property once it was set.
    expect(run.properties.exportPolicyUnset).toMatchObject({ ok: false, api: 'NCryptGetProperty', code: NTE_INVALID_PARAMETER });
  });

  it('reports a property the provider lacks as a Failure from NCryptGetProperty (Wine has no Virtual Iso)', () => {
    expect(run.properties.virtualIso).toEqual({
      ok: false,
      api: 'NCryptGetProperty',
      code: NTE_INVALID_PARAMETER,
      hex: '0x80090027',
      message: expect.any(String),
      detail: 'Virtual Iso',
    });
  });

  it('reports NCryptOpenKey statuses as data (Wine stubs it: NTE_NOT_SUPPORTED)', () => {
    expect(run.openKey).toMatchObject({ ok: false, api: 'NCryptOpenKey', code: NTE_NOT_SUPPORTED, hex: '0x80090029' });
  });

  it('reports a failed NCryptDeleteKey as data and keeps the key open (Wine stubs it)', () => {
    expect(run.deleteEphemeral).toMatchObject({ ok: false, api: 'NCryptDeleteKey', code: NTE_NOT_SUPPORTED });
    expect(run.closedAfterFailedDelete).toBe(false);
    expect(run.exportAfterFailedDelete).toBe(true);
  });

  it('names the API that failed during creation (a zero length fails at NCryptFinalizeKey under Wine)', () => {
    expect(run.finalizeFailure).toMatchObject({ ok: false, api: 'NCryptFinalizeKey', code: NTE_INTERNAL_ERROR, hex: '0x8009002D' });
  });

  it.todo('persists a named key and opens it again by name in another process (needs Windows: NCryptOpenKey)');
  it.todo('deletes a persisted key by name and frees its handle (needs Windows: NCryptDeleteKey)');
  it.todo('creates a KeyGuard key with the VBS and per-boot flags and reads Virtual Iso = 1 (needs Windows: NCRYPT_USE_VIRTUAL_ISOLATION_FLAG)');
  it.todo('fails creation where VBS is not available, naming NCryptCreatePersistedKey/NCryptFinalizeKey (needs Windows: NCRYPT_USE_VIRTUAL_ISOLATION_FLAG)');
});

interface LifetimeRun {
  closingPublic: PublicKey;
  closedWhileSigning: Signature[];
  droppedPublic: PublicKey;
  collectedWhileSigning: Signature;
  deleteWhileSigning: Outcome;
  closeTwice: Outcome[];
  afterClose: {
    closed: boolean;
    name: string | null;
    provider: string;
    exportPublicKey: Outcome;
    getProperty: Outcome;
    delete: Outcome;
    sign: Outcome;
  };
  wrongTypes: Record<string, Outcome>;
  stillUsable: boolean;
}

wine('NativeKey lifetime and arguments under Wine', () => {
  let run: LifetimeRun;
  beforeAll(async () => {
    run = await runScript<LifetimeRun>('keys-lifetime.cjs');
  }, 60_000);

  it('completes signatures already in flight when close() is called, with the right key', () => {
    expect(run.closedWhileSigning).toHaveLength(4);
    for (const signature of run.closedWhileSigning) expect(verifyPss(publicKey(run.closingPublic), message, signature)).toBe(true);
  });

  it('completes a signature in flight when the key object is garbage-collected', () => {
    expect(verifyPss(publicKey(run.droppedPublic), message, run.collectedWhileSigning)).toBe(true);
  });

  it('refuses delete() while a signature holds the key', () => {
    expect(run.deleteWhileSigning).toMatchObject({ threw: true, name: 'Error', message: expect.stringContaining('in use') });
  });

  it('close() is idempotent and closed turns true; name and provider stay readable', () => {
    expect(run.closeTwice).toEqual([
      { returned: true, value: null },
      { returned: true, value: null },
    ]);
    expect(run.afterClose).toMatchObject({ closed: true, name: null, provider: 'Microsoft Software Key Storage Provider' });
  });

  it('throws on use after close (sync methods throw, sign rejects)', () => {
    const closed = { name: 'Error', message: 'the NativeKey is closed' };
    expect(run.afterClose.exportPublicKey).toEqual({ threw: true, ...closed });
    expect(run.afterClose.getProperty).toEqual({ threw: true, ...closed });
    expect(run.afterClose.delete).toEqual({ threw: true, ...closed });
    expect(run.afterClose.sign).toEqual({ rejected: true, ...closed });
  });

  it('rejects createKey/openKey/sign with wrong argument types with a TypeError', () => {
    const asyncCases = Object.entries(run.wrongTypes).filter(([name]) => /^(createKey|openKey|sign)/.test(name));
    expect(asyncCases.length).toBe(14);
    for (const [name, outcome] of asyncCases) {
      expect({ case: name, rejected: outcome.rejected, error: outcome.name }).toEqual({ case: name, rejected: true, error: 'TypeError' });
    }
  });

  it('throws a TypeError for a wrong property name type, a foreign this, or construction from JavaScript', () => {
    for (const name of ['getPropertyNumber', 'methodOnPlainObject', 'getterOnPlainObject', 'construct', 'constructWithObject']) {
      const outcome = run.wrongTypes[name];
      expect({ case: name, threw: outcome.threw, error: outcome.name }).toEqual({ case: name, threw: true, error: 'TypeError' });
    }
    expect(run.stillUsable).toBe(true);
  });
});
