import { startFromCli } from '../src/cli.js';
import { getMetadata } from './helpers/http_request.js';

test('text output prints a working IMDS URL and the system-assigned identity', async () => {
  const lines: string[] = [];
  const emu = await startFromCli({ command: 'start', json: false, register: [] }, (line) => lines.push(line));
  try {
    const text = lines.join('\n');
    expect(text).toContain(`IMDS:           ${emu.imdsUrl}`);
    expect(text).toContain(`system-assigned ${emu.imds.config.systemAssigned.clientId} in tenant ${emu.imds.config.tenantId}`);
    const res = await getMetadata(emu.imdsUrl);
    expect(res.status).toBe(200);
    expect(res.json.clientId).toBe(emu.imds.config.systemAssigned.clientId);
  } finally {
    await emu.close();
  }
});
