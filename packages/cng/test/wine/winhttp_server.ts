/**
 * The Linux side of the WinHTTP tests: a strict mTLS server (Node https on 127.0.0.1) that records
 * every TLS connection and every HTTP request it receives, and a plain-HTTP issuer that signs a
 * public key posted by the Wine process with the test CA (openssl -force_pubkey), so an NCrypt key
 * that never leaves Wine gets a CA-issued certificate.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

import type { Pki } from './pki.js';

/** What the server saw of one HTTP request. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  peerSubject: string | null;
  authorized: boolean;
}

/** What the server saw of one TLS connection (after a completed handshake). */
export interface ReceivedConnection {
  peerSubject: string | null;
  authorized: boolean;
}

export interface TestServer {
  port: number;
  requests: ReceivedRequest[];
  connections: ReceivedConnection[];
  /** Handshakes that failed (the client's TLS error as Node reports it). */
  tlsErrors: string[];
  close(): Promise<void>;
}

function peerOf(socket: TLSSocket): ReceivedConnection {
  const peer = socket.getPeerCertificate();
  const commonName = peer && peer.subject ? peer.subject.CN : undefined;
  return { peerSubject: typeof commonName === 'string' ? commonName : null, authorized: socket.authorized };
}

/**
 * The mTLS server. Routes: `/stall` never answers; `/slow?ms=N` answers after N ms; `/big?n=N`
 * answers N bytes; anything else echoes the request as JSON. Every answer says `Connection: close`:
 * Wine's WinHTTP pools connections process-wide, across sessions (docs/notes/wine-ci.md).
 */
export async function startMtlsServer(pki: Pki): Promise<TestServer> {
  const requests: ReceivedRequest[] = [];
  const connections: ReceivedConnection[] = [];
  const stalled = new Set<http.ServerResponse>();
  const server = https.createServer(
    { key: pki.serverKeyPem, cert: pki.serverCertPem, ca: [pki.caPem], requestCert: true, rejectUnauthorized: true },
    (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const socket = request.socket as TLSSocket;
        const seen: ReceivedRequest = {
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          ...peerOf(socket),
        };
        requests.push(seen);
        const url = new URL(seen.url, 'https://localhost');
        response.setHeader('Connection', 'close');
        if (url.pathname === '/stall') {
          stalled.add(response);
          return;
        }
        if (url.pathname === '/big') {
          response.writeHead(200, { 'Content-Type': 'application/octet-stream' });
          response.end(Buffer.alloc(Number(url.searchParams.get('n')), 0x61));
          return;
        }
        const answer = (): void => {
          response.writeHead(200, { 'Content-Type': 'application/json', 'X-Echo': 'yes' });
          response.end(JSON.stringify(seen));
        };
        if (url.pathname === '/slow') setTimeout(answer, Number(url.searchParams.get('ms')));
        else answer();
      });
    },
  );
  const tlsErrors: string[] = [];
  server.on('secureConnection', (socket: TLSSocket) => connections.push(peerOf(socket)));
  server.on('tlsClientError', (error: NodeJS.ErrnoException) => tlsErrors.push(error.code ?? error.message));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    connections,
    tlsErrors,
    close: async () => {
      for (const response of stalled) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Issuer {
  /** http://127.0.0.1:port/issue — POST an SPKI PEM, get the certificate DER back. */
  url: string;
  /** The certificates issued so far (DER). */
  issued: Buffer[];
  close(): Promise<void>;
}

/** Issues client certificates (clientAuth, CN "msal-mtls ncrypt client") for posted public keys. */
export async function startIssuer(pki: Pki): Promise<Issuer> {
  const issued: Buffer[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        const tag = randomBytes(6).toString('hex');
        const publicKey = join(pki.dir, `ncrypt-${tag}.pub.pem`);
        const extensions = join(pki.dir, `ncrypt-${tag}.ext`);
        const certificate = join(pki.dir, `ncrypt-${tag}.crt`);
        writeFileSync(publicKey, Buffer.concat(chunks));
        writeFileSync(extensions, 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
        // Any CSR will do: -force_pubkey replaces its key with the posted one.
        execFileSync('openssl', ['x509', '-req', '-in', join(pki.dir, 'client.csr'), '-force_pubkey', publicKey, '-subj', `/CN=msal-mtls ncrypt client ${tag}`,
          '-CA', pki.ca.certPath, '-CAkey', pki.ca.keyPath, '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '2', '-sha256',
          '-extfile', extensions, '-out', certificate], { stdio: ['ignore', 'ignore', 'pipe'] });
        const der = new X509Certificate(readFileSync(certificate)).raw;
        issued.push(der);
        response.writeHead(200, { 'Content-Type': 'application/pkix-cert' });
        response.end(der);
      } catch (error) {
        response.writeHead(500);
        response.end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/issue`,
    issued,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
