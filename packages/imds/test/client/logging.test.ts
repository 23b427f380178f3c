import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '@msal-mtls/emulator';
import { LogLevel, type LoggerOptions } from '@msal-mtls/core';
import { ManagedIdentityClient } from '../../src/client/managed_identity_client.js';

// Every log line of Path 2 carries the correlation id of the call that caused it, including the
// lines of a persisted-certificate reuse (no IMDS request) and of the binding-certificate lookup.
const tenantId = '55555555-6666-7777-8888-999999999999';
const line = /^\[[^\]]+\] : \[([^\]]*)\] : (\S+) : (\w+) - (.+)$/;
let emulator: Emulator;
let dir: string;

beforeAll(async () => {
  emulator = await startEmulator({ imds: { tenantId, systemAssigned: { clientId: '00000000-1111-2222-3333-444444444444' } } });
  dir = mkdtempSync(join(tmpdir(), 'msal-mtls-mi-log-'));
});
afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

function run(): { client: ManagedIdentityClient; lines: string[] } {
  const lines: string[] = [];
  const logger: LoggerOptions = { loggerCallback: (_level, message) => lines.push(message), logLevel: LogLevel.Trace };
  const client = new ManagedIdentityClient({
    imdsEndpoint: emulator.imdsUrl, minimumKeyProtection: 'software', persistence: { directory: dir }, ca: emulator.caPem, connectTo: emulator.connectTo, env: {}, logger,
  });
  return { client, lines };
}

test('cold flow, then a new client reusing the persisted certificate: every line has the call\'s correlation id', async () => {
  const cold = run();
  const first = 'aaaaaaaa-1111-4222-8333-944444444444';
  await cold.client.acquireToken({ resource: 'https://graph.microsoft.com', correlationId: first });
  cold.client.close();
  const warm = run();
  const second = 'bbbbbbbb-1111-4222-8333-944444444444';
  await warm.client.acquireToken({ resource: 'https://graph.microsoft.com', correlationId: second });
  warm.client.close();
  expect(emulator.imds.stats.issuanceRequests).toBe(1);
  expect(warm.lines.some((l) => l.includes('Reusing the persisted binding certificate'))).toBe(true);
  for (const [lines, id] of [[cold.lines, first], [warm.lines, second]] as const) {
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const l of lines) expect([l, line.exec(l)?.[1]]).toEqual([l, id]);
  }
});
