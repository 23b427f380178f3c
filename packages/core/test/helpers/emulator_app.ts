import { startEmulator, type ClientCertificate, type Emulator, type EmulatorOptions } from '@msal-mtls/emulator';
import { ConfidentialClient, type ConfidentialClientOptions } from '../../src/client/confidential_client.js';

export interface EmulatorApp {
  /** Set in beforeAll. */
  emulator: Emulator;
  /** The app's registered certificate. Set in beforeAll. */
  cert: ClientCertificate;
  /** A Path 1 client of the app against the emulator (closed after all tests). */
  client(overrides?: Partial<ConfidentialClientOptions>): ConfidentialClient;
}

/**
 * One app registered in a running emulator for a test file: starts it before all tests, resets
 * its counters before each, closes the clients and the emulator after all. Clients dial the
 * emulator through connectTo and trust its CA; every TLS check stays on.
 */
export function emulatorApp(options: { clientId: string; tenantId: string; commonName: string; emulator?: EmulatorOptions }): EmulatorApp {
  const clients: ConfidentialClient[] = [];
  const app = {
    client(overrides: Partial<ConfidentialClientOptions> = {}): ConfidentialClient {
      const c = new ConfidentialClient({
        clientId: options.clientId,
        authority: `https://login.microsoftonline.com/${options.tenantId}`,
        azureRegion: 'eastus',
        certificate: { certPem: app.cert.certPem, keyPem: app.cert.keyPem },
        ca: app.emulator.caPem,
        connectTo: app.emulator.connectTo,
        sleep: async () => undefined,
        ...overrides,
      });
      clients.push(c);
      return c;
    },
  } as EmulatorApp;
  beforeAll(async () => {
    app.emulator = await startEmulator(options.emulator);
    app.cert = app.emulator.createClientCertificate({ commonName: options.commonName });
    app.emulator.registerApplication({ clientId: options.clientId, tenantId: options.tenantId, certificates: [app.cert.certPem] });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await app.emulator.close();
  });
  beforeEach(() => app.emulator.reset());
  return app;
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<{ code?: string; name?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; name?: string; message: string };
  }
  throw new Error('expected a rejection');
}
