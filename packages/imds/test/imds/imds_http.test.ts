import type { Agent } from 'node:http';
import { maxImdsResponseBytes, sendImdsRequest, type ImdsAttempt } from '../../src/imds/imds_http.js';
import { refusedBase, startServer, testAgent, type TestServer } from './imds_test_server.js';

let server: TestServer | undefined;
let other: TestServer | undefined;
let agent: Agent;

beforeEach(() => {
  agent = testAgent();
});
afterEach(async () => {
  agent.destroy();
  await server?.close();
  await other?.close();
  server = other = undefined;
});

const get = (url: string, timeoutMs?: number): Promise<ImdsAttempt> =>
  sendImdsRequest({ method: 'GET', url, headers: { 'x-ms-client-request-id': 'c1' }, correlationId: 'c1' }, { agent, timeoutMs });

describe('sendImdsRequest', () => {
  it('returns status, lower-cased headers and the body of any non-3xx answer', async () => {
    server = await startServer([{ status: 500, headers: { 'X-Thing': 'a' }, body: 'oops' }]);
    const outcome = await get(`${server.base}/p?q=1`);
    expect(outcome.kind).toBe('response');
    if (outcome.kind !== 'response') return;
    expect(outcome.response.status).toBe(500);
    expect(outcome.response.headers['x-thing']).toBe('a');
    expect(outcome.response.body.toString()).toBe('oops');
    expect(server.requests[0]!.url).toBe('/p?q=1');
  });

  it('reuses one keep-alive connection for consecutive requests', async () => {
    server = await startServer([{ status: 200, body: 'x' }]);
    await get(`${server.base}/a`);
    await get(`${server.base}/b`);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.remotePort).toBe(server.requests[0]!.remotePort);
    expect(server.requests[0]!.rawHeaders).toContainEqual(['Connection', 'keep-alive']);
  });

  it('refuses a redirect without following it', async () => {
    other = await startServer([{ status: 200, body: 'followed' }]);
    server = await startServer([{ status: 307, headers: { Location: `${other.base}/elsewhere` } }]);
    await expect(get(`${server.base}/m`)).rejects.toMatchObject({ code: 'ERR_IMDS_REDIRECT_REFUSED', status: 307, correlationId: 'c1' });
    expect(server.requests).toHaveLength(1);
    expect(other.requests).toHaveLength(0);
  });

  it('accepts a body of exactly 1 MiB', async () => {
    server = await startServer([{ status: 400, body: Buffer.alloc(maxImdsResponseBytes, 0x61) }]);
    const outcome = await get(`${server.base}/m`);
    expect(outcome.kind === 'response' && outcome.response.body.length).toBe(1024 * 1024);
  });

  it('refuses an announced body over 1 MiB', async () => {
    server = await startServer([{ status: 200, body: Buffer.alloc(maxImdsResponseBytes + 1, 0x61) }]);
    await expect(get(`${server.base}/m`)).rejects.toMatchObject({ code: 'ERR_IMDS_RESPONSE_TOO_LARGE', status: 200 });
  });

  it('refuses a chunked body once it passes 1 MiB', async () => {
    server = await startServer([
      (res) => {
        res.writeHead(200, { 'Transfer-Encoding': 'chunked' });
        const piece = Buffer.alloc(64 * 1024, 0x62);
        for (let i = 0; i < 17; i++) res.write(piece); // 1 MiB + 64 KiB
        res.end();
      },
    ]);
    await expect(get(`${server.base}/m`)).rejects.toMatchObject({ code: 'ERR_IMDS_RESPONSE_TOO_LARGE' });
  });

  it('reports a server that never answers as a timeout', async () => {
    server = await startServer([() => undefined]);
    const outcome = await get(`${server.base}/m`, 50);
    expect(outcome).toMatchObject({ kind: 'timeout', timeoutMs: 50 });
  });

  it('reports a body cut off mid-way as a network failure', async () => {
    server = await startServer([
      (res) => {
        res.writeHead(200, { 'Content-Length': '100' });
        res.write('partial', () => res.socket?.destroy());
      },
    ]);
    expect((await get(`${server.base}/m`)).kind).toBe('network');
  });

  it('reports a refused connection as a network failure', async () => {
    const outcome = await get(`${await refusedBase()}/m`);
    expect(outcome.kind).toBe('network');
    expect(outcome.kind === 'network' && (outcome.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('rejects with the abort reason when the signal fires', async () => {
    server = await startServer([() => undefined]);
    const controller = new AbortController();
    const pending = sendImdsRequest({ method: 'GET', url: `${server.base}/m`, headers: {} }, { agent, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 20);
    await expect(pending).rejects.toThrow('stop');
  });
});
