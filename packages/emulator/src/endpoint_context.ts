import type { ApplicationRegistry } from './applications.js';
import type { EmulatorStats } from './connections.js';
import type { FaultSet } from './faults.js';
import type { ResourceRequestRecord, TokenRequestRecord } from './records.js';
import type { TokenSigningKey } from './signing_key.js';

/** Token policy: lifetimes and which resources take mTLS PoP tokens. */
export interface TokenPolicy {
  tokenLifetimeSeconds: number;
  refreshInSeconds: number | undefined;
  /** Normalized (see normalizeResource) resource ids. */
  enrolledResources: ReadonlySet<string>;
}

/** The state the endpoints share; owned by the emulator. */
export interface EndpointContext {
  registry: ApplicationRegistry;
  signingKey: TokenSigningKey;
  faults: FaultSet;
  policy: TokenPolicy;
  stats: EmulatorStats;
  tokenRequests: TokenRequestRecord[];
  resourceRequests: ResourceRequestRecord[];
  /** Epoch milliseconds. */
  now(): number;
  /** A wait that `close()` cancels, so a delayed response never keeps the process alive. */
  sleep(ms: number): Promise<void>;
}
