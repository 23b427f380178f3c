import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { x5tS256 } from './thumbprint.js';

/** Counters the emulator keeps; tests read them to check connection reuse and call counts. */
export interface EmulatorStats {
  /** Completed TLS handshakes, i.e. new TLS connections (full or resumed). */
  tlsHandshakes: number;
  /** Of those, handshakes that resumed an earlier session. */
  tlsSessionsResumed: number;
  tokenRequests: number;
  resourceRequests: number;
}

/** What the emulator knows about one TLS connection. */
export interface ConnectionInfo {
  /** 1, 2, …: order of the handshakes. */
  id: number;
  sessionResumed: boolean;
  /** `x5t#S256` of the client certificate presented in the handshake, if any. */
  clientCertX5t: string | undefined;
  /** HTTP requests served on it so far. */
  requests: number;
}

/** Tracks every socket so `close()` can end keep-alive connections, and counts handshakes. */
export class ConnectionTracker {
  readonly #sockets = new Set<Socket>();
  readonly #info = new WeakMap<Socket, ConnectionInfo>();
  /** The TCP socket under each connection, by peer address: TLS takes its handle over, but a reset needs the TCP one. */
  readonly #tcp = new Map<string, Socket>();
  #nextId = 1;

  constructor(private readonly stats: EmulatorStats) {}

  /** A TCP connection arrived (its handshake may never finish). */
  onConnection(socket: Socket): void {
    this.#sockets.add(socket);
    const peer = peerKey(socket);
    this.#tcp.set(peer, socket);
    socket.once('close', () => {
      this.#sockets.delete(socket);
      if (this.#tcp.get(peer) === socket) this.#tcp.delete(peer);
    });
  }

  /** A TLS handshake completed. */
  onSecureConnection(socket: TLSSocket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    const sessionResumed = socket.isSessionReused();
    this.stats.tlsHandshakes++;
    if (sessionResumed) this.stats.tlsSessionsResumed++;
    // On a resumed session OpenSSL restores the peer certificate from the session, so it is still known.
    const peer = socket.getPeerCertificate();
    const raw = peer && 'raw' in peer ? peer.raw : undefined;
    this.#info.set(socket, { id: this.#nextId++, sessionResumed, clientCertX5t: raw ? x5tS256(raw) : undefined, requests: 0 });
  }

  info(socket: Socket): ConnectionInfo {
    const known = this.#info.get(socket);
    if (known) return known;
    const fresh: ConnectionInfo = { id: this.#nextId++, sessionResumed: false, clientCertX5t: undefined, requests: 0 };
    this.#info.set(socket, fresh);
    return fresh;
  }

  /** Ends a connection with a TCP reset (RST), as a crashed or misbehaving server would; a close when that is impossible. */
  reset(socket: Socket): void {
    const tcp = this.#tcp.get(peerKey(socket));
    try {
      if (tcp !== undefined) tcp.resetAndDestroy();
      else socket.destroy();
    } catch {
      socket.destroy();
    }
  }

  destroyAll(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }
}

function peerKey(socket: Socket): string {
  return `${socket.remoteAddress ?? ''}|${socket.remotePort ?? ''}`;
}
