import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFromCli } from '../src/cli.js';
import { createClientCertificate } from '../src/index.js';
import { postToken, tokenForm } from './helpers/https_request.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'emu-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('--json prints where it listens; --register makes the app usable', async () => {
  const cert = createClientCertificate({ commonName: 'cli-app' });
  writeFileSync(join(dir, 'app.pem'), cert.certPem);
  const lines: string[] = [];
  const emu = await startFromCli({ command: 'start', json: true, caDir: join(dir, 'ca'), register: [{ clientId: 'cli-app', tenantId: 'cli-tenant', certPath: join(dir, 'app.pem') }] }, (line) => lines.push(line));
  try {
    expect(lines).toHaveLength(1);
    const printed = JSON.parse(lines[0] ?? '');
    expect(printed).toEqual({
      url: `https://127.0.0.1:${emu.port}`, host: '127.0.0.1', port: emu.port, caPath: join(dir, 'ca', 'ca.pem'),
      connectTo: [`::127.0.0.1:${emu.port}`], applications: [{ clientId: 'cli-app', tenantId: 'cli-tenant' }],
      imdsUrl: emu.imdsUrl, imds: { tenantId: emu.imds.config.tenantId, clientId: emu.imds.config.systemAssigned.clientId, cuId: emu.imds.config.cuId, region: 'eastus' },
    });
    const res = await postToken(emu, { tenant: 'cli-tenant', form: tokenForm({}, 'cli-app'), cert });
    expect(res.status).toBe(200);
  } finally {
    await emu.close();
  }
});

test('text output names the CA file and the connect-to value', async () => {
  const lines: string[] = [];
  const emu = await startFromCli({ command: 'start', json: false, register: [] }, (line) => lines.push(line));
  try {
    const text = lines.join('\n');
    expect(text).toContain(`listening on https://127.0.0.1:${emu.port}`);
    expect(text).toContain(emu.caPath);
    expect(text).toContain(`::127.0.0.1:${emu.port}`);
  } finally {
    await emu.close();
  }
});
