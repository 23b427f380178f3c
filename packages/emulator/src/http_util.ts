import type { IncomingMessage, ServerResponse } from 'node:http';

const maxBodyBytes = 1024 * 1024;

/** The whole request body; rejects bodies over 1 MiB (a token request is a few hundred bytes). */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new RangeError('request body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * How a response reaches the client: whole, or (a fault) with the full `Content-Length` declared
 * but only half the body sent before the connection is closed (`truncate`) or reset (`reset`, TCP RST).
 */
export type Delivery = 'whole' | 'truncate' | 'reset';

/** Sends `body` as JSON (a string body is sent as is) with no-store caching, as Entra does. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  delivery: Delivery = 'whole',
  reset?: () => void,
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const payload = Buffer.from(text, 'utf8');
  writeResponse(res, status, payload, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store, no-cache',
    pragma: 'no-cache',
    'content-length': String(payload.length),
    ...headers,
  }, delivery, reset);
}

/**
 * Writes a response with these exact headers. `truncate` and `reset` send half the payload and then
 * close the connection, or reset it with `reset()` (a TCP RST; without it the connection is closed).
 */
export function writeResponse(res: ServerResponse, status: number, payload: Buffer, headers: Record<string, string>, delivery: Delivery = 'whole', reset?: () => void): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, headers);
  if (delivery === 'whole') {
    res.end(payload);
    return;
  }
  // The declared length stays the full one: the client must notice the body ended early.
  res.write(payload.subarray(0, Math.floor(payload.length / 2)), () => {
    if (delivery === 'reset' && reset !== undefined) reset();
    else res.socket?.destroy();
  });
}

/** A JSON object of exactly `bytes` bytes (never fewer than the 14 of `{"padding":""}`), for the `oversizedBody` faults. */
export function paddedJson(bytes: number): Buffer {
  const prefix = '{"padding":"';
  const suffix = '"}';
  const body = Buffer.alloc(Math.max(bytes, prefix.length + suffix.length), 0x78);
  body.write(prefix, 0, 'latin1');
  body.write(suffix, body.length - suffix.length, 'latin1');
  return body;
}

/** Sends `paddedJson(bytes)` with status 200: declaring its length, or `chunked` without a Content-Length. */
export function sendOversized(res: ServerResponse, bytes: number, chunked: boolean, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const payload = paddedJson(bytes);
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...(chunked ? {} : { 'content-length': String(payload.length) }), ...headers });
  // Written in 1 MiB pieces, as a stream would be; a client that refuses it early leaves write errors behind, which are its business.
  res.on('error', () => undefined);
  const piece = 1024 * 1024;
  for (let offset = 0; offset < payload.length; offset += piece) {
    if (res.destroyed) return;
    res.write(payload.subarray(offset, offset + piece));
  }
  res.end();
}
