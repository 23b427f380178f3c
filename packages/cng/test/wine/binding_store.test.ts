import { generateKeyPairSync } from 'node:crypto';
import { startEmulator, type Emulator } from '@msal-mtls/emulator';
import { runUnderWine, wineAvailable } from './wine_harness.js';

const wine = wineAvailable() ? describe : describe.skip;

interface StoreRun {
  read: { sha1: string; tokenUrl: string; clientId: string; tenantId: string } | undefined;
  otherRead: { sha1: string } | undefined;
  afterRead: string[];
  afterSkippedWrite: string[];
  afterRemove: string[];
  otherAfterRemove: string[];
  expected: Record<'older' | 'newer' | 'orphan' | 'notGuid' | 'newest' | 'other', string>;
}

wine('WindowsBindingStore: the certificate-store persistence shared with MSAL.NET (spec §9.3)', () => {
  let emulator: Emulator;
  let value: StoreRun;
  const clientId = 'a1b2c3d4-1111-2222-3333-444455556666';
  const tenantId = '55555555-6666-7777-8888-999999999999';
  const endpointBase = `https://eastus2.mtlsauth.microsoft.com/${tenantId}`;

  beforeAll(async () => {
    emulator = await startEmulator();
    const spkiOf = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' });
    const ours = spkiOf();
    const day = 86_400_000;
    const issue = (spki: Buffer, commonName: string, days: number) =>
      emulator.ca.issueCertificate({ subjectPublicKeySpki: spki, subject: { commonName }, notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + days * day), extKeyUsage: ['clientAuth'] }).der.toString('base64');
    const run = await runUnderWine<{ ok: boolean; value: StoreRun; error?: unknown }>('binding_store.mjs', {
      spki: ours.toString('base64'),
      alias: `store-test-${process.pid}#att=0`,
      otherAlias: `store-test-other-${process.pid}#att=0`,
      keyName: `StoreTestKey${process.pid}`,
      endpointBase,
      clientId,
      tenantId,
      older: issue(ours, clientId, 7),
      newer: issue(ours, clientId, 14),
      orphan: issue(spkiOf(), clientId, 30),
      notGuid: issue(ours, 'not-a-guid', 60),
      newest: issue(ours, clientId, 90),
      other: issue(ours, clientId, 10),
    });
    if (run.result?.ok !== true) throw new Error(`the Wine run failed:\n${JSON.stringify(run.result?.error)}\n${run.output}`);
    value = run.result.value;
  }, 120_000);
  afterAll(() => emulator?.close());

  it('reads the newest certificate of the alias bound to this key, with its endpoint and client id', () => {
    expect(value.read).toEqual({ sha1: value.expected.newer, tokenUrl: `${endpointBase}/oauth2/v2.0/token`, clientId, tenantId });
  });

  it('ignores a certificate linked to another key container and one whose subject is not a client id', () => {
    expect(value.afterRead).toEqual(expect.arrayContaining([value.expected.newest, value.expected.notGuid]));
  });

  it('deletes the orphan (its public key is not the key\'s), found without a signature', () => {
    expect(value.afterRead).not.toContain(value.expected.orphan);
    expect(value.afterRead).toHaveLength(4);
  });

  it('keeps aliases apart', () => {
    expect(value.otherRead).toEqual({ sha1: value.expected.other });
    expect(value.otherAfterRemove).toEqual([value.expected.other]);
  });

  it('does not write a certificate that a stored one outlasts', () => {
    expect([...value.afterSkippedWrite].sort()).toEqual([...value.afterRead].sort());
  });

  it('removes every certificate of the alias', () => {
    expect(value.afterRemove).toEqual([]);
  });

  it.todo('skips the store while another process (MSAL.NET) holds Global\\MSAL_MI_P_… for 300 ms (needs two processes on Windows; the mutex itself is tested in mutex.test.ts)');
});
