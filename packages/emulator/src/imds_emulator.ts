import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { CertificateAuthority } from './ca.js';
import { ImdsFaultSet, type ImdsFault, type ImdsInjectOptions, type InjectedImdsFault } from './imds_faults.js';
import { assertLifetime, type ImdsConfig } from './imds_options.js';
import { emptyImdsStats, type ImdsIssuedCertificate, type ImdsRequestRecord, type ImdsStats } from './imds_records.js';
import { createImdsHandler, type ImdsHandlerContext } from './imds_server.js';
import type { TokenSigningKey } from './signing_key.js';

/** The emulated IMDS of one VM: its records, counters, faults and live configuration. */
export interface ImdsEmulator {
  /** `http://<host>:<port>`: the base address a client uses instead of `http://169.254.169.254` (spec §1.1). */
  readonly url: string;
  readonly port: number;
  /** The configuration in force, defaults filled in (a live view: setters change it). */
  readonly config: Readonly<ImdsConfig>;
  /** Every request so far, oldest first (a live array). */
  readonly requests: readonly ImdsRequestRecord[];
  /** Live counters. */
  readonly stats: Readonly<ImdsStats>;
  /** Every binding certificate issued so far, oldest first (a live array). */
  readonly issuedCertificates: readonly ImdsIssuedCertificate[];
  /** Makes the next request(s) fail or misbehave; see {@link ImdsFault}. */
  inject(fault: ImdsFault, options?: ImdsInjectOptions): InjectedImdsFault;
  clearFaults(): void;
  /** Lifetime of certificates issued from now on. */
  setCertificateLifetime(seconds: number): void;
  /** Whether issuecredential demands an `attestation_token` from now on. */
  setRequireAttestation(required: boolean): void;
  /** `false`: the v2 paths answer 404 from now on, as on an IMDSv1-only VM. */
  setV2Enabled(enabled: boolean): void;
  /** Clears records, counters, issued certificates and faults; the configuration stays. */
  reset(): void;
}

/** A running IMDS listener and how to stop it. */
export interface RunningImds {
  imds: ImdsEmulator;
  close(): Promise<void>;
}

/** What the IMDS listener borrows from the emulator. */
export interface ImdsStartOptions {
  host: string;
  /** Host as it goes in a URL (IPv6 in brackets, wildcard addresses replaced by loopback). */
  urlHost: string;
  config: ImdsConfig;
  ca: CertificateAuthority;
  /** Signs IMDSv1 tokens. */
  signingKey?: TokenSigningKey;
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Starts the plain-HTTP IMDS listener on its own ephemeral port (IMDS is HTTP, spec §1.1). */
export async function startImds(options: ImdsStartOptions): Promise<RunningImds> {
  const config = options.config;
  const ctx: ImdsHandlerContext = {
    config, ca: options.ca, faults: new ImdsFaultSet(), issued: [], stats: emptyImdsStats(), requests: [],
    now: options.now, sleep: options.sleep, signingKey: options.signingKey,
  };
  const server = createServer(createImdsHandler(ctx));
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const port = await listenHttp(server, options.host);
  const imds: ImdsEmulator = {
    url: `http://${options.urlHost}:${port}`,
    port,
    config,
    requests: ctx.requests,
    stats: ctx.stats,
    issuedCertificates: ctx.issued,
    inject: (fault, injectOptions) => ctx.faults.inject(fault, injectOptions),
    clearFaults: () => ctx.faults.clear(),
    setCertificateLifetime: (seconds) => {
      assertLifetime(seconds);
      config.certificateLifetimeSeconds = seconds;
    },
    setRequireAttestation: (required) => {
      config.requireAttestation = required;
    },
    setV2Enabled: (enabled) => {
      config.v2 = enabled;
    },
    reset: () => {
      ctx.requests.length = 0;
      ctx.issued.length = 0;
      Object.assign(ctx.stats, emptyImdsStats());
      ctx.faults.clear();
    },
  };
  return {
    imds,
    close: () => {
      const closed = new Promise<void>((done) => server.close(() => done()));
      for (const socket of sockets) socket.destroy(); // keep-alive sockets would hold close() open
      sockets.clear();
      return closed;
    },
  };
}

/** Listens on an ephemeral port and resolves with it. */
function listenHttp(server: Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}
