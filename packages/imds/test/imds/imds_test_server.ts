/**
 * A real HTTP server on 127.0.0.1 for the IMDS tests: it records every request byte for byte
 * (raw path + query, raw header pairs, body) and answers from a script, one entry per request.
 */
import { Agent, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query exactly as they arrived on the request line. */
  url: string;
  /** Header name/value pairs in arrival order, names as sent. */
  rawHeaders: [string, string][];
  body: Buffer;
  remotePort: number;
}

/** One scripted answer: a plain reply, or a function that takes over the response (or never answers). */
export type Reply = { status: number; headers?: Record<string, string | string[]>; body?: string | Buffer } | ((res: ServerResponse, req: IncomingMessage) => void);

export interface TestServer {
  base: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a server answering request i with replies[i] (the last reply repeats). */
export async function startServer(replies: Reply[]): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const pairs: [string, string][] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) pairs.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
      requests.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: pairs, body: Buffer.concat(chunks), remotePort: req.socket.remotePort ?? 0 });
      const reply = replies[Math.min(requests.length - 1, replies.length - 1)]!;
      if (typeof reply === 'function') {
        reply(res, req);
        return;
      }
      res.writeHead(reply.status, reply.headers ?? {});
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function refusedBase(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** A sleep that returns at once and records what it was asked to wait. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

/** A fresh keep-alive agent per test, so no socket outlives its server. */
export function testAgent(): Agent {
  return new Agent({ keepAlive: true });
}

/** Header value by case-insensitive name, or undefined. */
export function header(request: RecordedRequest, name: string): string | undefined {
  return request.rawHeaders.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
}

export const imdsServer = { Server: 'IMDS/150.870.65.1854', 'Content-Type': 'application/json; charset=utf-8' };
export const correlationId = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
