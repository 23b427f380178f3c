import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ConnectionTracker } from './connections.js';
import type { ServerCredentials } from './server_certificate.js';

/**
 * One HTTPS server for every emulated host. It asks for a client certificate but lets any
 * through the handshake (`rejectUnauthorized: false`), like Entra: apps register self-signed
 * certificates, so whether one is acceptable is decided per request, in HTTP.
 */
export function createEmulatorServer(
  credentials: ServerCredentials,
  connections: ConnectionTracker,
  handler: Parameters<typeof createServer>[1],
): Server {
  const server = createServer(
    { cert: credentials.certPem, key: credentials.keyPem, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' },
    handler,
  );
  server.on('connection', (socket: Socket) => connections.onConnection(socket));
  server.on('secureConnection', (socket: TLSSocket) => connections.onSecureConnection(socket));
  // A client that rejects our certificate aborts the handshake; that is its business, not an emulator error.
  server.on('tlsClientError', (_error, socket) => socket.destroy());
  return server;
}

/** Listens and resolves with the bound port. */
export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}
