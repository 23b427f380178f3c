import { constants, createPublicKey, verify } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SoftwareKeyProvider } from '../../src/key/software_key_provider.js';
import { assertMeetsFloor, parseKeyProtection } from '../../src/key/key_protection.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'msal-mtls-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const spkiKey = (spki: Uint8Array) => createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });

describe('SoftwareKeyProvider', () => {
  test('in memory without a directory: RSA-2048, PSS and PKCS#1 signatures verify', async () => {
    const key = await new SoftwareKeyProvider().getKey();
    expect(key.protection).toBe('in-memory');
    const pub = spkiKey(key.publicKeySpki());
    expect(pub.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const data = Buffer.from('certification request info');
    const pss = await key.sign(data, { algorithm: 'RSA-PSS', hash: 'SHA-256' });
    expect(verify('sha256', data, { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, pss)).toBe(true);
    expect(verify('sha256', data, { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 20 }, pss)).toBe(false);
    const pkcs1 = await key.sign(data, { algorithm: 'RSA-PKCS1', hash: 'SHA-256' });
    expect(verify('sha256', data, { key: pub, padding: constants.RSA_PKCS1_PADDING }, pkcs1)).toBe(true);
  });

  test('persisted: 0700 folder, 0600 file, reused by a second provider (another process)', async () => {
    const store = join(dir, 'store');
    const first = await new SoftwareKeyProvider({ directory: store }).getKey();
    expect(first.protection).toBe('software');
    expect(statSync(store).mode & 0o777).toBe(0o700);
    const files = readdirSync(store);
    expect(files).toEqual(['msal-mtls-binding-key.pem']);
    expect(statSync(join(store, files[0]!)).mode & 0o777).toBe(0o600);
    const second = await new SoftwareKeyProvider({ directory: store }).getKey();
    expect(Buffer.from(second.publicKeySpki()).equals(Buffer.from(first.publicKeySpki()))).toBe(true);
  });

  test('concurrent creators end on one key', async () => {
    const store = join(dir, 'race');
    const keys = await Promise.all(Array.from({ length: 4 }, () => new SoftwareKeyProvider({ directory: store }).getKey()));
    const spkis = new Set(keys.map((k) => Buffer.from(k.publicKeySpki()).toString('hex')));
    expect(spkis.size).toBe(1);
    expect(readdirSync(store)).toEqual(['msal-mtls-binding-key.pem']);
  });

  test('a key file others can read is refused', async () => {
    const store = join(dir, 'loose');
    await new SoftwareKeyProvider({ directory: store }).getKey();
    chmodSync(join(store, 'msal-mtls-binding-key.pem'), 0o644);
    await expect(new SoftwareKeyProvider({ directory: store }).getKey()).rejects.toMatchObject({ code: 'ERR_IMDS_KEY_STORE', message: expect.stringContaining('644') });
  });

  test('a corrupt key file is a typed error', async () => {
    const store = join(dir, 'corrupt');
    await new SoftwareKeyProvider({ directory: store }).getKey();
    writeFileSync(join(store, 'msal-mtls-binding-key.pem'), 'garbage', { mode: 0o600 });
    await expect(new SoftwareKeyProvider({ directory: store }).getKey()).rejects.toMatchObject({ code: 'ERR_IMDS_KEY_STORE' });
  });

  test('deleteKey makes the next getKey create a new key', async () => {
    const provider = new SoftwareKeyProvider({ directory: join(dir, 'd') });
    const a = await provider.getKey();
    await provider.deleteKey();
    const b = await provider.getKey();
    expect(Buffer.from(a.publicKeySpki()).equals(Buffer.from(b.publicKeySpki()))).toBe(false);
  });
});

describe('minimumKeyProtection floor', () => {
  test('default is keyguard; a software key fails it naming the level and the reasons', async () => {
    const key = await new SoftwareKeyProvider({ directory: join(dir, 'f') }).getKey();
    const floor = parseKeyProtection(undefined, 'minimumKeyProtection');
    expect(floor).toBe('keyguard');
    expect(() => assertMeetsFloor(key, floor)).toThrow(
      expect.objectContaining({ code: 'ERR_IMDS_KEY_PROTECTION_NOT_MET', message: expect.stringMatching(/reached 'software'.*'keyguard'.*keyguard: .*hardware: /) }),
    );
    expect(() => assertMeetsFloor(key, 'software')).not.toThrow();
    expect(() => assertMeetsFloor(key, 'in-memory')).not.toThrow();
  });
  test('an in-memory key fails a software floor', async () => {
    const key = await new SoftwareKeyProvider().getKey();
    expect(() => assertMeetsFloor(key, 'software')).toThrow(expect.objectContaining({ code: 'ERR_IMDS_KEY_PROTECTION_NOT_MET', message: expect.stringContaining('persistence is off') }));
  });
  test.each(['KeyGuard', 'tpm', 5])('invalid floor %p is misuse', (value) => {
    expect(() => parseKeyProtection(value, 'minimumKeyProtection')).toThrow(TypeError);
  });
});

describe('a persisted key is reused by a second process', () => {
  test('a child node process opens the same key from the store', async () => {
    const { execFileSync } = await import('node:child_process');
    const store = join(dir, 'shared');
    const mine = await new SoftwareKeyProvider({ directory: store }).getKey();
    const entry = join(__dirname, '../../dist/index.js');
    const script = `import { SoftwareKeyProvider } from ${JSON.stringify(entry)};
      const key = await new SoftwareKeyProvider({ directory: ${JSON.stringify(store)} }).getKey();
      process.stdout.write(Buffer.from(key.publicKeySpki()).toString('hex') + ' ' + key.protection);`;
    const out = execFileSync('node', ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(out).toBe(`${Buffer.from(mine.publicKeySpki()).toString('hex')} software`);
  });
});

describe('onGenerate: a new key means an issuance follows', () => {
  it('is called when a key is generated, and not when the persisted key is opened', async () => {
    let generated = 0;
    const onGenerate = (): void => {
      generated++;
    };
    await new SoftwareKeyProvider({ directory: dir }).getKey({ onGenerate });
    expect(generated).toBe(1);
    await new SoftwareKeyProvider({ directory: dir }).getKey({ onGenerate });
    expect(generated).toBe(1);
    await new SoftwareKeyProvider().getKey({ onGenerate });
    expect(generated).toBe(2);
  });
});
