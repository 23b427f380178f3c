import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'node:https';
import { startEmulator } from '../src/index.js';
import { httpsRequest } from './helpers/https_request.js';

const tcpHandles = (): number => process.getActiveResourcesInfo().filter((name) => /TCP|TLS/.test(name)).length;

test('connectTo, url and caPath describe a reachable, trusted server', async () => {
  const emu = await startEmulator();
  try {
    expect(emu.host).toBe('127.0.0.1');
    expect(emu.port).toBeGreaterThan(0);
    expect(emu.connectTo).toEqual([`::127.0.0.1:${emu.port}`]);
    expect(emu.url).toBe(`https://127.0.0.1:${emu.port}`);
    expect(readFileSync(emu.caPath, 'utf8')).toBe(emu.caPem);
  } finally {
    await emu.close();
  }
  expect(existsSync(emu.caPath)).toBe(false); // the temporary CA file goes with the emulator
});

test('close() ends keep-alive connections and leaves no open handles', async () => {
  const before = tcpHandles();
  const emu = await startEmulator();
  const agent = new Agent({ keepAlive: true });
  const res = await httpsRequest(emu, { host: 'login.microsoftonline.com', path: '/t/discovery/v2.0/keys', agent });
  expect(res.status).toBe(200);
  const [socket] = Object.values(agent.freeSockets).flat();
  expect(socket).toBeDefined(); // the client still holds an idle keep-alive connection
  const clientClosed = new Promise((resolve) => socket?.once('close', resolve));
  await emu.close();
  await clientClosed;
  await emu.close(); // idempotent
  expect(tcpHandles()).toBe(before);
  await expect(httpsRequest(emu, { host: 'login.microsoftonline.com', path: '/' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  agent.destroy();
});

test('close() cancels a pending delay fault', async () => {
  const emu = await startEmulator();
  emu.inject({ kind: 'delay', ms: 60_000 });
  const pending = httpsRequest(emu, {
    host: 'mtlsauth.microsoft.com', path: '/t/oauth2/v2.0/token', method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b',
  }).then(() => 'answered', (error: Error) => error.message);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const started = Date.now();
  await emu.close();
  expect(await pending).toBe('socket hang up');
  expect(Date.now() - started).toBeLessThan(2000);
});

describe('caDir', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'emu-ca-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('an empty dir gets ca.pem and a 0600 ca-key.pem; the next start reuses the CA', async () => {
    const first = await startEmulator({ caDir: dir });
    await first.close();
    expect(first.caPath).toBe(join(dir, 'ca.pem'));
    expect(readFileSync(join(dir, 'ca.pem'), 'utf8')).toBe(first.caPem);
    expect(statSync(join(dir, 'ca-key.pem')).mode & 0o777).toBe(0o600);
    const second = await startEmulator({ caDir: dir });
    try {
      expect(second.caPem).toBe(first.caPem);
      // Trusting the saved CA is enough for the new server certificate.
      const res = await httpsRequest({ port: second.port, caPem: readFileSync(join(dir, 'ca.pem'), 'utf8') }, { host: 'login.microsoftonline.com', path: '/t/discovery/v2.0/keys' });
      expect(res.status).toBe(200);
    } finally {
      await second.close();
    }
    expect(existsSync(join(dir, 'ca.pem'))).toBe(true); // a caDir is never cleaned up
  });

  test('a dir with only one of the pair is refused', async () => {
    const first = await startEmulator({ caDir: dir });
    await first.close();
    rmSync(join(dir, 'ca-key.pem'));
    await expect(startEmulator({ caDir: dir })).rejects.toThrow(/only one of ca.pem and ca-key.pem/);
  });
});
