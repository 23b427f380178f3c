import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Failure, StoreCertificate, StoreRef } from '../../src/native_binding.js';
import { makePki, sha1Thumbprint, type Pki } from './pki.js';
import { runUnderWine, wineAvailable } from './wine_harness.js';

const wine = wineAvailable() ? describe : describe.skip;

interface Call {
  fn: string;
  args: unknown[];
}

/** What one addon call gave back in the Wine process: a value, or the error it threw. */
interface Answer<T = any> {
  value?: T;
  threw?: { name: string; message: string };
}

const b64 = (bytes: Buffer): { base64: string } => ({ base64: bytes.toString('base64') });

function decodeBuffers(value: unknown): any {
  if (Array.isArray(value)) return value.map(decodeBuffers);
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if (typeof object.base64 === 'string' && Object.keys(object).length === 1) return Buffer.from(object.base64, 'base64');
    return Object.fromEntries(Object.entries(object).map(([key, v]) => [key, decodeBuffers(v)]));
  }
  return value;
}

/** Runs the calls in order in one Windows process (wine-scripts/store.cjs). */
async function callAddon(calls: Call[]): Promise<Answer[]> {
  const run = await runUnderWine<{ ok: boolean; value: unknown[] }>('store.cjs', { calls });
  if (!run.result?.ok) throw new Error(`store.cjs failed (status ${run.status}):\n${run.output}\n${JSON.stringify(run.result)}`);
  return decodeBuffers(run.result.value) as Answer[];
}

const currentUserMy: StoreRef = { location: 'CurrentUser', store: 'My' };
const localMachineMy: StoreRef = { location: 'LocalMachine', store: 'My' };

let pki: Pki;
let pkiDir: string;

beforeAll(() => {
  pkiDir = mkdtempSync(join(tmpdir(), 'cng-store-pki-'));
  pki = makePki(pkiDir);
});

afterAll(async () => {
  // Whatever a failed test left behind: the Wine prefix outlives this run.
  if (wineAvailable()) {
    const mine = [pki.client, pki.otherClient, pki.server, pki.ca, pki.otherCa].map((certificate) => certificate.sha1);
    await callAddon([currentUserMy, localMachineMy].flatMap((store) => mine.map((sha1) => ({ fn: 'deleteCertificate', args: [store, sha1] }))));
  }
  rmSync(pkiDir, { recursive: true, force: true });
}, 60_000);

wine('importPfx + findCertificate', () => {
  let imported: Answer[];
  let secondProcess: Answer[];

  beforeAll(async () => {
    imported = await callAddon([
      { fn: 'importPfx', args: [currentUserMy, b64(pki.client.pfx), pki.client.password] },
      { fn: 'findCertificate', args: [currentUserMy, pki.client.sha1] },
      { fn: 'findCertificate', args: [currentUserMy, pki.client.sha1.toLowerCase()] },
      { fn: 'importPfx', args: [currentUserMy, b64(pki.otherClient.pfx), `not-${pki.otherClient.password}`] },
      { fn: 'findCertificate', args: [currentUserMy, pki.otherClient.sha1] },
      { fn: 'importPfx', args: [currentUserMy, b64(randomBytes(600)), 'x'] },
      { fn: 'findCertificate', args: [localMachineMy, pki.client.sha1] },
      { fn: 'importPfx', args: [localMachineMy, b64(pki.otherClient.pfx), pki.otherClient.password] },
      { fn: 'findCertificate', args: [localMachineMy, pki.otherClient.sha1] },
    ]);
    // A new process: what the first one stored lives in the prefix (the registry), not in memory.
    // It also cleans up: the prefix is shared by later runs.
    secondProcess = await callAddon([
      { fn: 'findCertificate', args: [currentUserMy, pki.client.sha1] },
      { fn: 'deleteCertificate', args: [currentUserMy, pki.client.sha1] },
      { fn: 'findCertificate', args: [currentUserMy, pki.client.sha1] },
      { fn: 'deleteCertificate', args: [localMachineMy, pki.otherClient.sha1] },
    ]);
  }, 60_000);

  it('returns the thumbprint Linux computes for the client certificate', () => {
    expect(imported[0].value).toEqual({ ok: true, sha1: [sha1Thumbprint(pki.client.certDer)] });
  });

  it('finds the imported certificate by thumbprint (any case), with the same DER', () => {
    const found = imported[1].value as { ok: true; certificate: StoreCertificate };
    expect(found.ok).toBe(true);
    expect(found.certificate.sha1).toBe(pki.client.sha1);
    expect(found.certificate.der.equals(pki.client.certDer)).toBe(true);
    expect((imported[2].value as { certificate: StoreCertificate }).certificate.sha1).toBe(pki.client.sha1);
  });

  it('reports the key link of the imported private key (Wine: the rsaenh CAPI provider)', () => {
    const { certificate } = imported[1].value as { certificate: StoreCertificate };
    expect(certificate.keyContainer).toEqual(expect.any(String));
    expect(certificate.keyContainer).not.toBe('');
    expect(certificate.keyProvider).toMatch(/Cryptographic Provider/);
    expect(certificate.keyProviderType).toBeGreaterThan(0); // a CAPI provider type, not 0 (CNG)
  });

  it('puts it only in the store asked for', () => {
    expect(imported[6].value).toEqual({ ok: true, certificate: null });
  });

  it('imports into LocalMachine\\My too', () => {
    expect(imported[7].value).toEqual({ ok: true, sha1: [pki.otherClient.sha1] });
    const { certificate } = imported[8].value as { certificate: StoreCertificate };
    expect(certificate.der.equals(pki.otherClient.certDer)).toBe(true);
    expect(certificate.keyProviderType).toBeGreaterThan(0);
    expect(secondProcess[3].value).toEqual({ ok: true, deleted: true });
  });

  it('is seen by a second Windows process', () => {
    const found = secondProcess[0].value as { ok: true; certificate: StoreCertificate };
    expect(found.certificate.der.equals(pki.client.certDer)).toBe(true);
    expect(secondProcess[1].value).toEqual({ ok: true, deleted: true });
    expect(secondProcess[2].value).toEqual({ ok: true, certificate: null });
  });

  it('reports a wrong password as a PFXImportCertStore failure and stores nothing', () => {
    const failure = imported[3].value as Failure;
    expect(failure).toMatchObject({ ok: false, api: 'PFXImportCertStore' });
    expect(failure.code).not.toBe(0);
    expect(failure.hex).toBe(`0x${failure.code.toString(16).toUpperCase().padStart(8, '0')}`);
    expect(imported[4].value).toEqual({ ok: true, certificate: null });
  });

  it('reports bytes that are no PFX as a PFXImportCertStore failure', () => {
    const failure = imported[5].value as Failure;
    expect(failure).toMatchObject({ ok: false, api: 'PFXImportCertStore' });
    expect(failure.code).not.toBe(0);
  });

  it.todo('adds the chain certificates of a PFX after the leaf (needs Windows: Wine 8 PFXImportCertStore imports only the leaf)');
  it.todo('imports into LocalMachine with CRYPT_MACHINE_KEYSET, the key usable by other users (needs Windows: Wine has one user)');
});

wine('addCertificate, listCertificates, deleteCertificate (CurrentUser\\My)', () => {
  const tenant = randomBytes(16).toString('hex');
  const friendlyName = `MSAL|alias=system_assigned_managed_identity#att=0|ep=https://mtlsauth.microsoft.com/${tenant}`;
  const renamed = `${friendlyName}|é✓𝄞`; // non-ASCII: UTF-8 in JS, UTF-16 in the store
  const keyContainer = `msal-mtls-test-${tenant}`;
  const keyProvider = 'Microsoft Software Key Storage Provider';
  let answers: Answer[];
  let listed: (i: number) => StoreCertificate[];

  beforeAll(async () => {
    const der = pki.server.certDer;
    const sha1 = pki.server.sha1;
    answers = await callAddon([
      /* 0 */ { fn: 'addCertificate', args: [{ ...currentUserMy, der: b64(der), friendlyName, keyContainer, keyProvider, keyFlags: 0x20 }] },
      /* 1 */ { fn: 'listCertificates', args: [currentUserMy] },
      /* 2 */ { fn: 'addCertificate', args: [{ ...currentUserMy, der: b64(der), friendlyName: renamed }] },
      /* 3 */ { fn: 'listCertificates', args: [currentUserMy] },
      /* 4 */ { fn: 'deleteCertificate', args: [currentUserMy, sha1] },
      /* 5 */ { fn: 'listCertificates', args: [currentUserMy] },
      /* 6 */ { fn: 'deleteCertificate', args: [currentUserMy, sha1] },
      /* 7 */ { fn: 'addCertificate', args: [{ ...currentUserMy, der: b64(Buffer.from('not a certificate')), friendlyName }] },
      /* 8 */ { fn: 'listCertificates', args: [{ location: 'CurrentUser', store: `NoSuchStore${tenant}` }] },
      /* 9 */ { fn: 'addCertificate', args: [{ ...currentUserMy, der: b64(pki.otherCa.certDer), friendlyName: '' }] },
      /* 10 */ { fn: 'findCertificate', args: [currentUserMy, pki.otherCa.sha1] },
      /* 11 */ { fn: 'deleteCertificate', args: [currentUserMy, pki.otherCa.sha1] },
      /* 12 */ { fn: 'findCertificate', args: [currentUserMy, pki.otherCa.sha1] },
      /* 13 */ { fn: 'addCertificate', args: [{ ...currentUserMy, der: b64(pki.otherClient.certDer), friendlyName: renamed }] },
      /* 14 */ { fn: 'findCertificate', args: [currentUserMy, pki.otherClient.sha1] },
      /* 15 */ { fn: 'deleteCertificate', args: [currentUserMy, pki.otherClient.sha1] },
    ]);
    listed = (i) => (answers[i].value as { certificates: StoreCertificate[] }).certificates;
  }, 60_000);

  it('returns the thumbprint of the added certificate', () => {
    expect(answers[0].value).toEqual({ ok: true, sha1: pki.server.sha1 });
  });

  it('lists it with its DER, friendly name and key link (CNG: provider type 0)', () => {
    const mine = listed(1).filter((certificate) => certificate.sha1 === pki.server.sha1);
    expect(mine).toHaveLength(1);
    expect(mine[0].der.equals(pki.server.certDer)).toBe(true);
    expect(mine[0]).toMatchObject({ friendlyName, keyContainer, keyProvider, keyProviderType: 0, keyFlags: 0x20 });
  });

  it('keeps one copy when the same certificate is added again', () => {
    expect(answers[2].value).toEqual({ ok: true, sha1: pki.server.sha1 });
    expect(listed(3).filter((certificate) => certificate.sha1 === pki.server.sha1)).toHaveLength(1);
  });

  it.todo('adding again replaces the friendly name and key link (needs Windows: Wine 8 keeps the first copy\'s properties on CERT_STORE_ADD_REPLACE_EXISTING)');

  it('round-trips a non-ASCII friendly name (UTF-8 in JS, UTF-16 in the store)', () => {
    expect(answers[13].value).toEqual({ ok: true, sha1: pki.otherClient.sha1 });
    expect((answers[14].value as { certificate: StoreCertificate }).certificate.friendlyName).toBe(renamed);
    expect(answers[15].value).toEqual({ ok: true, deleted: true });
  });

  it('deletes it by thumbprint, then says deleted:false', () => {
    expect(answers[4].value).toEqual({ ok: true, deleted: true });
    expect(listed(5).some((certificate) => certificate.sha1 === pki.server.sha1)).toBe(false);
    expect(answers[6].value).toEqual({ ok: true, deleted: false });
  });

  it('lists a certificate without properties with friendlyName "" and no key fields', () => {
    expect(answers[9].value).toEqual({ ok: true, sha1: pki.otherCa.sha1 });
    const { certificate } = answers[10].value as { certificate: StoreCertificate };
    expect(certificate.friendlyName).toBe('');
    expect(Object.keys(certificate).sort()).toEqual(['der', 'friendlyName', 'sha1']);
    expect(answers[11].value).toEqual({ ok: true, deleted: true });
    expect(answers[12].value).toEqual({ ok: true, certificate: null });
  });

  it('reports bytes that are no certificate as a CertCreateCertificateContext failure', () => {
    expect(answers[7].value).toMatchObject({ ok: false, api: 'CertCreateCertificateContext' });
    expect((answers[7].value as Failure).code).not.toBe(0);
  });

  it('reports a store that does not exist as a CertOpenStore failure when reading', () => {
    expect(answers[8].value).toMatchObject({ ok: false, api: 'CertOpenStore', code: 2, detail: `CurrentUser\\NoSuchStore${tenant}` }); // ERROR_FILE_NOT_FOUND
  });
});

wine('store functions: argument checks', () => {
  let answers: Answer[];

  beforeAll(async () => {
    const der = b64(pki.server.certDer);
    answers = await callAddon([
      { fn: 'listCertificates', args: [{ location: 'Elsewhere', store: 'My' }] },
      { fn: 'listCertificates', args: ['CurrentUser\\My'] },
      { fn: 'findCertificate', args: [currentUserMy, 'XYZ'] },
      { fn: 'findCertificate', args: [currentUserMy, `${pki.server.sha1}00`] },
      { fn: 'deleteCertificate', args: [currentUserMy, 42] },
      { fn: 'addCertificate', args: [{ ...currentUserMy, der: 'MIIB', friendlyName: 'x' }] },
      { fn: 'addCertificate', args: [{ ...currentUserMy, der, friendlyName: 'x', keyContainer: 'c' }] },
      { fn: 'addCertificate', args: [{ ...currentUserMy, der }] },
      { fn: 'importPfx', args: [currentUserMy, 'not a buffer', 'pw'] },
      { fn: 'importPfx', args: [currentUserMy, b64(pki.client.pfx)] },
    ]);
  }, 60_000);

  it('throws TypeError for a bad store, thumbprint, certificate, key link or PFX argument', () => {
    expect(answers.map((answer) => answer.threw?.name)).toEqual(Array(answers.length).fill('TypeError'));
  });
});
