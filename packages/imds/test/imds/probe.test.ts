import type { Agent } from 'node:http';
import { probeImdsV2 } from '../../src/imds/probe.js';
import { correlationId, header, recordingSleep, refusedBase, startServer, testAgent, type Reply, type TestServer } from './imds_test_server.js';

let server: TestServer | undefined;
let agent: Agent;
beforeEach(() => {
  agent = testAgent();
});
afterEach(async () => {
  agent.destroy();
  await server?.close();
  server = undefined;
});

async function probeWith(replies: Reply[], extra: Record<string, unknown> = {}) {
  server = await startServer(replies);
  const { sleep, delays } = recordingSleep();
  const result = await probeImdsV2({ base: server.base, correlationId, agent, sleep, ...extra });
  return { result, delays, requests: server.requests };
}

const badRequest: Reply = { status: 400, body: '{"error":"bad_request","error_description":"Required metadata header not specified"}' };

describe('probeImdsV2 (spec §1.4)', () => {
  it('400 = IMDSv2 present; the request lacks Metadata and carries the correlation id', async () => {
    const { result, requests, delays } = await probeWith([badRequest]);
    expect(result).toEqual({ available: true, reason: expect.stringContaining('HTTP 400') });
    expect(requests).toHaveLength(1);
    expect(delays).toEqual([]);
    const [request] = requests;
    expect(request!.method).toBe('GET');
    expect(request!.url).toBe('/metadata/identity/getplatformmetadata?cred-api-version=2.0');
    expect(header(request!, 'metadata')).toBeUndefined();
    expect(header(request!, 'x-ms-client-request-id')).toBe(correlationId);
    expect(request!.rawHeaders.map(([name]) => name).sort()).toEqual(['Accept', 'Connection', 'Host', 'x-ms-client-request-id']);
  });

  it('sends the selector of a user-assigned identity', async () => {
    const { requests } = await probeWith([badRequest], { identity: { clientId: 'c-9' } });
    expect(requests[0]!.url).toBe('/metadata/identity/getplatformmetadata?cred-api-version=2.0&client_id=c-9');
  });

  it('404 = not present, and is not retried (probe policy)', async () => {
    const { result, requests, delays } = await probeWith([{ status: 404 }]);
    expect(result).toEqual({ available: false, reason: 'HTTP 404 after 1 attempt' });
    expect(requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('200 = not present (something answered that did not insist on Metadata)', async () => {
    const { result } = await probeWith([{ status: 200, headers: { Server: 'IMDS/1' }, body: '{}' }]);
    expect(result.available).toBe(false);
  });

  it('500 is retried 3 times, then not present', async () => {
    const { result, requests, delays } = await probeWith([{ status: 500 }]);
    expect(result).toEqual({ available: false, reason: 'HTTP 500 after 4 attempts' });
    expect(requests).toHaveLength(4);
    expect(delays).toEqual([1000, 2000, 4000]);
  });

  it('500 then 400 = present', async () => {
    const { result, delays } = await probeWith([{ status: 500 }, badRequest]);
    expect(result.available).toBe(true);
    expect(delays).toEqual([1000]);
  });

  it('connection refused = not present, with the cause in the reason', async () => {
    const { sleep, delays } = recordingSleep();
    const result = await probeImdsV2({ base: await refusedBase(), correlationId, agent, sleep });
    expect(result.available).toBe(false);
    expect(result.reason).toMatch(/^connection failed after 4 attempts: .*ECONNREFUSED/);
    expect(delays).toEqual([1000, 2000, 4000]);
  });

  it('no answer = not present, after the retries', async () => {
    const { result, requests } = await probeWith([() => undefined], { timeoutMs: 30 });
    expect(result).toEqual({ available: false, reason: 'no answer within 30 ms after 4 attempts' });
    expect(requests).toHaveLength(4);
  });

  it('a redirect = not present, not followed', async () => {
    const { result, requests } = await probeWith([{ status: 301, headers: { Location: 'http://127.0.0.1:1/' } }]);
    expect(result.available).toBe(false);
    expect(result.reason).toMatch(/HTTP 301/);
    expect(requests).toHaveLength(1);
  });

  it('cancellation propagates instead of reading as "not present"', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled by caller'));
    server = await startServer([badRequest]);
    await expect(probeImdsV2({ base: server.base, correlationId, agent, signal: controller.signal })).rejects.toThrow('cancelled by caller');
    expect(server.requests).toHaveLength(0);
  });
});
