import { readFile } from 'node:fs/promises';
import type { CliCommand } from './cli_args.js';
import { startEmulator, type Emulator } from './emulator.js';

/** Starts the emulator for `msal-mtls-emulator start` and prints how to reach it. */
export async function startFromCli(command: Extract<CliCommand, { command: 'start' }>, print: (line: string) => void): Promise<Emulator> {
  const applications = await Promise.all(
    command.register.map(async (r) => ({ clientId: r.clientId, tenantId: r.tenantId, certificates: [await readFile(r.certPath, 'utf8')] })),
  );
  const emulator = await startEmulator({
    ...(command.host !== undefined ? { host: command.host } : {}),
    ...(command.port !== undefined ? { port: command.port } : {}),
    ...(command.caDir !== undefined ? { caDir: command.caDir } : {}),
    applications,
  });
  const registered = applications.map((app) => ({ clientId: app.clientId, tenantId: app.tenantId }));
  if (command.json) {
    print(JSON.stringify({ url: emulator.url, host: emulator.host, port: emulator.port, caPath: emulator.caPath, connectTo: emulator.connectTo, applications: registered, imdsUrl: emulator.imdsUrl, imds: imdsSummary(emulator) }));
    return emulator;
  }
  const [connectTo = ''] = emulator.connectTo;
  print(`msal-mtls emulator listening on ${emulator.url}`);
  print(`  CA certificate: ${emulator.caPath}`);
  print(`  connect-to:     ${connectTo}`);
  for (const app of registered) print(`  registered:     ${app.clientId} in tenant ${app.tenantId}`);
  const imds = emulator.imds.config;
  print(`  IMDS:           ${emulator.imdsUrl} (plain HTTP; use it instead of http://169.254.169.254, e.g. AZURE_POD_IDENTITY_AUTHORITY_HOST)`);
  print(`  IMDS identity:  system-assigned ${imds.systemAssigned.clientId} in tenant ${imds.tenantId}, cuId ${JSON.stringify(imds.cuId)}`);
  print(`  try: curl -H Metadata:true '${emulator.imdsUrl}/metadata/identity/getplatformmetadata?cred-api-version=2.0'`);
  print(`  try: curl --cacert ${emulator.caPath} --connect-to ${connectTo} https://mtlsauth.microsoft.com/<tenant>/discovery/v2.0/keys`);
  print('Press Ctrl+C to stop.');
  return emulator;
}

/** The IMDS facts a script needs to drive Path 2 against the CLI-started emulator. */
function imdsSummary(emulator: Emulator): { tenantId: string; clientId: string; cuId: object; region: string } {
  const config = emulator.imds.config;
  return { tenantId: config.tenantId, clientId: config.systemAssigned.clientId, cuId: config.cuId, region: config.region };
}
