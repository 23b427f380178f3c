import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApplicationRegistry, type ApplicationRegistration } from './applications.js';
import { createCertificateAuthority, type CertificateAuthority } from './ca.js';
import { CA_CERT_FILE, loadOrCreateCaDir } from './ca_store.js';
import { createClientCertificate, type ClientCertificate, type ClientCertificateOptions } from './client_certificate.js';
import { ConnectionTracker, type EmulatorStats } from './connections.js';
import type { EndpointContext } from './endpoint_context.js';
import { DEFAULT_ENROLLED_RESOURCES, type EmulatorOptions } from './emulator_options.js';
import { FaultSet, type InjectedFault, type InjectOptions, type TokenFault } from './faults.js';
import { DEFAULT_RESOURCE_HOSTS } from './hosts.js';
import { startImds, type ImdsEmulator, type RunningImds } from './imds_emulator.js';
import { resolveImdsOptions } from './imds_options.js';
import { issuedForManagedIdentity } from './managed_identity_trust.js';
import type { ResourceRequestRecord, TokenRequestRecord } from './records.js';
import { createRouter } from './router.js';
import { createEmulatorServer, listen } from './server.js';
import { issueServerCertificate } from './server_certificate.js';
import { createTokenSigningKey, type Jwks } from './signing_key.js';
import { normalizeResource } from './token_validation.js';

/** A running emulator. Property and method names are a contract for users' tests. */
export interface Emulator {
  /** Listening address and port. */
  readonly host: string;
  readonly port: number;
  /** `https://<host>:<port>`. */
  readonly url: string;
  /** The CA that signed the server certificate: trust it (`ca` option), never disable verification. */
  readonly caPem: string;
  /** A file holding `caPem` (in `caDir`, or a temporary file removed by `close()`). */
  readonly caPath: string;
  /** curl-style connect-to rules sending every `host:port` here: `['::127.0.0.1:<port>']`. */
  readonly connectTo: string[];
  /** The CA itself, to issue more certificates (e.g. for a CSR's key). */
  readonly ca: CertificateAuthority;
  /** The keys access tokens are signed with, as `GET /{tenant}/discovery/v2.0/keys` serves them. */
  readonly jwks: Jwks;
  /** Every token request so far, oldest first (a live array). */
  readonly tokenRequests: readonly TokenRequestRecord[];
  /** Every resource request so far, oldest first (a live array). */
  readonly resourceRequests: readonly ResourceRequestRecord[];
  /** Live counters. */
  readonly stats: Readonly<EmulatorStats>;
  /** `http://<host>:<port>` of the IMDS listener: the base address clients use instead of `http://169.254.169.254`. */
  readonly imdsUrl: string;
  /** The emulated IMDS: records, counters, faults and settings. */
  readonly imds: ImdsEmulator;
  /** Registers an app, or adds certificates to one already registered in that tenant. */
  registerApplication(app: ApplicationRegistration): void;
  unregisterApplication(clientId: string, tenantId: string): boolean;
  /** A self-signed RSA-2048 client certificate (synchronous). */
  createClientCertificate(options: ClientCertificateOptions): ClientCertificate;
  /** Makes the next token request(s) fail or misbehave; see {@link TokenFault}. */
  inject(fault: TokenFault, options?: InjectOptions): InjectedFault;
  clearFaults(): void;
  /** Clears records, counters and faults, IMDS's too (app registrations and IMDS settings stay): reuse one emulator across tests. */
  reset(): void;
  /** Stops listening, ends every open connection and pending delay. Idempotent. */
  close(): Promise<void>;
}

/** Starts the emulator: CA (loaded or made), server certificate, signing key, HTTPS listener. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  const imdsConfig = resolveImdsOptions(options.imds ?? {}); // first: bad options fail before any key is made
  const resourceHosts = new Map(Object.entries({ ...DEFAULT_RESOURCE_HOSTS, ...options.resourceHosts }).map(([h, aud]) => [h.toLowerCase(), aud]));
  const ca = options.caDir === undefined ? await createCertificateAuthority() : await loadOrCreateCaDir(options.caDir);
  const [credentials, signingKey] = await Promise.all([issueServerCertificate(ca, [...resourceHosts.keys()]), createTokenSigningKey()]);

  const registry = new ApplicationRegistry();
  for (const app of options.applications ?? []) registry.register(app);
  const stats: EmulatorStats = { tlsHandshakes: 0, tlsSessionsResumed: 0, tokenRequests: 0, resourceRequests: 0 };
  const timers = new Set<NodeJS.Timeout>();
  const faults = new FaultSet();
  const ctx: EndpointContext = {
    registry, signingKey, faults, stats, tokenRequests: [], resourceRequests: [],
    policy: {
      tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
      refreshInSeconds: options.refreshInSeconds,
      enrolledResources: new Set((options.enrolledResources ?? DEFAULT_ENROLLED_RESOURCES).map(normalizeResource)),
    },
    now: options.now ?? Date.now,
    sleep: (ms) => new Promise((done) => {
      const timer = setTimeout(() => { timers.delete(timer); done(); }, ms);
      timers.add(timer);
    }),
  };
  const connections = new ConnectionTracker(stats);
  const server = createEmulatorServer(credentials, connections, createRouter(ctx, connections, resourceHosts, { bearerTokenEndpoint: options.bearerTokenEndpoint === true }));
  const port = await listen(server, host, options.port ?? 0);
  const dialHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const urlHost = dialHost.includes(':') ? `[${dialHost}]` : dialHost;

  let imds: RunningImds;
  try {
    imds = await startImds({ host, urlHost, config: imdsConfig, ca, signingKey, now: ctx.now, sleep: ctx.sleep });
  } catch (error) {
    server.close();
    throw error;
  }
  // The VM's identities authenticate with what IMDS issued them, with no app registration (spec §6.1).
  for (const identity of [imdsConfig.systemAssigned, ...imdsConfig.userAssigned]) {
    registry.registerManagedIdentity({ clientId: identity.clientId, tenantId: imdsConfig.tenantId, trusts: issuedForManagedIdentity(ca.certPem, identity.clientId, ctx.now) });
  }

  let tempDir: string | undefined;
  let caPath: string;
  if (options.caDir !== undefined) caPath = resolve(options.caDir, CA_CERT_FILE);
  else {
    tempDir = await mkdtemp(join(tmpdir(), 'msal-mtls-emulator-'));
    caPath = join(tempDir, CA_CERT_FILE);
    await writeFile(caPath, ca.certPem);
  }
  let closing: Promise<void> | undefined;

  return {
    host, port, url: `https://${urlHost}:${port}`, caPem: ca.certPem, caPath, connectTo: [`::${urlHost}:${port}`], ca,
    jwks: signingKey.jwks,
    tokenRequests: ctx.tokenRequests,
    resourceRequests: ctx.resourceRequests,
    stats,
    imdsUrl: imds.imds.url,
    imds: imds.imds,
    registerApplication: (app) => registry.register(app),
    unregisterApplication: (clientId, tenantId) => registry.unregister(clientId, tenantId),
    createClientCertificate,
    inject: (fault, injectOptions) => faults.inject(fault, injectOptions),
    clearFaults: () => faults.clear(),
    reset: () => {
      ctx.tokenRequests.length = 0;
      ctx.resourceRequests.length = 0;
      Object.assign(stats, { tlsHandshakes: 0, tlsSessionsResumed: 0, tokenRequests: 0, resourceRequests: 0 });
      faults.clear();
      imds.imds.reset();
    },
    close: () => {
      closing ??= (async () => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        const closed = new Promise<void>((done) => server.close(() => done()));
        connections.destroyAll(); // keep-alive sockets would otherwise hold close() open
        await Promise.all([closed, imds.close()]);
        if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
