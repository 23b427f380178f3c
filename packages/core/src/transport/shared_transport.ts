import { createHash } from 'node:crypto';
import { x5tS256 } from '../pop/thumbprint.js';
import { createNodeTransport, type NodeTransportOptions } from './node_transport.js';
import type { ConnectToRule } from './connect_to.js';
import type { MtlsTransport } from './http_types.js';

interface Shared {
  transport: MtlsTransport;
  users: number;
  closeTimer: NodeJS.Timeout | undefined;
}

/**
 * How long a transport outlives its last user: a client per request that closes itself after its
 * token still finds the connection warm. The timer is unref'd: it never keeps a process alive.
 */
const lingerMs = 5_000;

/** One transport per (certificate, trust, routing, limits) in the process, reference-counted. */
const pool = new Map<string, Shared>();

/** A lease on a shared transport: `release()` closes it when the last user lets go. */
export interface TransportLease {
  readonly transport: MtlsTransport;
  release(): void;
}

/**
 * Clients that present the same certificate share one keep-alive agent, so a new client (a
 * client per request is a common pattern) reuses the warm mTLS connection instead of paying a
 * new handshake. After the last user lets go the agent lingers for 5 s, then closes. The same certificate means the same key pair: the credential loader has already
 * checked that the key belongs to the certificate.
 */
export function leaseNodeTransport(options: NodeTransportOptions): TransportLease {
  const key = poolKey(options);
  let shared = pool.get(key);
  if (shared === undefined) {
    shared = { transport: createNodeTransport(options), users: 0, closeTimer: undefined };
    pool.set(key, shared);
  }
  if (shared.closeTimer !== undefined) clearTimeout(shared.closeTimer);
  shared.closeTimer = undefined;
  shared.users++;
  const entry = shared;
  let released = false;
  return {
    transport: entry.transport,
    release: () => {
      if (released) return;
      released = true;
      entry.users--;
      if (entry.users === 0 && pool.get(key) === entry) {
        entry.closeTimer = setTimeout(() => {
          if (entry.users > 0 || pool.get(key) !== entry) return;
          pool.delete(key);
          entry.transport.close();
        }, lingerMs);
        entry.closeTimer.unref();
      }
    },
  };
}

function poolKey(options: NodeTransportOptions): string {
  const leaf = options.credential.chain[0];
  const hash = createHash('sha256');
  for (const c of options.credential.chain) hash.update(c.raw);
  for (const pem of options.ca ?? []) hash.update(pem);
  for (const rule of options.connectTo ?? []) hash.update(ruleText(rule));
  hash.update(`|${options.timeoutMs ?? ''}|${options.maxResponseBytes ?? ''}`);
  return `${leaf === undefined ? '' : x5tS256(leaf)}:${hash.digest('base64url')}`;
}

function ruleText(rule: ConnectToRule): string {
  return `${rule.host}:${rule.port}:${rule.connectHost}:${rule.connectPort};`;
}
