import { startEmulator, type Emulator } from '@msal-mtls/emulator';
import { ConfidentialClient } from '../../src/client/confidential_client.js';
import { Logger, LogLevel, type LoggerOptions } from '../../src/logging/logger.js';

// The log format carries the correlation id on every line (msal-node's shape:
// `[time] : [correlation id] : component : Level - message`), and PII lines stay out unless asked for.
const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const clientId = '11111111-2222-3333-4444-555555555555';
const line = /^\[\d{4}-\d\d-\d\dT[\d:.]+Z\] : \[([^\]]*)\] : (\S+) : (Error|Warning|Info|Verbose|Trace) - (.+)$/;

function collect(options: Partial<LoggerOptions> = {}): { options: LoggerOptions; lines: Array<[LogLevel, string, boolean]> } {
  const lines: Array<[LogLevel, string, boolean]> = [];
  return { lines, options: { loggerCallback: (level, message, pii) => lines.push([level, message, pii]), logLevel: LogLevel.Trace, ...options } };
}

describe('Logger', () => {
  test('the line format holds the correlation id; PII lines are dropped by default and flagged when enabled', () => {
    const { options, lines } = collect();
    const logger = new Logger(options, '@msal-mtls/core@test');
    logger.info('hello', 'cid-1');
    logger.pii(LogLevel.Info, 'tenant 72f988bf', 'cid-1');
    expect(lines).toHaveLength(1);
    expect(line.exec(lines[0]![1])?.slice(1)).toEqual(['cid-1', '@msal-mtls/core@test', 'Info', 'hello']);
    expect(lines[0]![2]).toBe(false);

    const withPii = collect({ piiLoggingEnabled: true });
    new Logger(withPii.options, 'x').pii(LogLevel.Warning, 'tenant 72f988bf', 'cid-2');
    expect(withPii.lines).toEqual([[LogLevel.Warning, expect.stringContaining('[cid-2] : x : Warning - tenant 72f988bf'), true]]);
  });

  test('the level filters; no callback, no work', () => {
    const { options, lines } = collect({ logLevel: LogLevel.Warning });
    const logger = new Logger(options, 'x');
    logger.info('no', 'c');
    logger.verbose('no', 'c');
    logger.warning('yes', 'c');
    expect(lines.map(([, m]) => line.exec(m)?.[4])).toEqual(['yes']);
    expect(new Logger(undefined, 'x').enabled(LogLevel.Error)).toBe(false);
  });
});

describe('a Path 1 run at Trace level', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ tokenLifetimeSeconds: 3600 });
  });
  afterAll(async () => emulator.close());

  test('every line carries the correlation id of the call that caused it', async () => {
    const cert = emulator.createClientCertificate({ commonName: 'logging app' });
    emulator.registerApplication({ clientId, tenantId, certificates: [cert.certPem] });
    const { options, lines } = collect();
    const client = new ConfidentialClient({
      clientId, authority: `https://login.microsoftonline.com/${tenantId}`, certificate: { certPem: cert.certPem, keyPem: cert.keyPem },
      ca: emulator.caPem, connectTo: emulator.connectTo, logger: options,
    });
    try {
      const cid = '0f6e2f9a-1111-4222-8333-944444444444';
      await client.acquireToken({ scopes: ['https://graph.microsoft.com/.default'], mtlsProofOfPossession: true, correlationId: cid });
      expect(lines.length).toBeGreaterThanOrEqual(2);
      for (const [, message, pii] of lines) {
        expect(line.exec(message)?.[1]).toBe(cid);
        expect(pii).toBe(false);
      }
    } finally {
      client.close();
    }
  });
});
