import type { Agent } from 'node:http';
import { getPlatformMetadata, parsePlatformMetadata } from '../../src/imds/metadata.js';
import { correlationId, header, imdsServer, recordingSleep, refusedBase, startServer, testAgent, type Reply, type TestServer } from './imds_test_server.js';

const good = {
  cuId: { vmId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' },
  clientId: '00000000-1111-2222-3333-444444444444',
  tenantId: '55555555-6666-7777-8888-999999999999',
  attestationEndpoint: 'https://sharedeus2.eus2.attest.azure.net',
};
const ok: Reply = { status: 200, headers: imdsServer, body: JSON.stringify(good) };
const resourceId = '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-1';

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

async function fetchWith(replies: Reply[], extra: Record<string, unknown> = {}) {
  server = await startServer(replies);
  const { sleep, delays } = recordingSleep();
  const call = getPlatformMetadata({ base: server.base, correlationId, agent, sleep, ...extra });
  return { call, delays, requests: server.requests };
}

describe('getPlatformMetadata: the request (spec §1.2)', () => {
  it('system-assigned: exact path, query and headers; returns the metadata', async () => {
    const { call, requests } = await fetchWith([ok]);
    await expect(call).resolves.toEqual(good);
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request!.method).toBe('GET');
    expect(request!.url).toBe('/metadata/identity/getplatformmetadata?cred-api-version=2.0');
    expect(request!.rawHeaders.filter(([name]) => !['Host', 'Connection'].includes(name))).toEqual([
      ['Metadata', 'true'],
      ['x-ms-client-request-id', correlationId],
      ['Accept', 'application/json'],
    ]);
    expect(header(request!, 'host')).toBe(server!.base.slice('http://'.length));
    expect(request!.body.length).toBe(0);
  });

  it('user-assigned by resource id: mi_res_id with raw slashes; the base path is replaced', async () => {
    server = await startServer([ok]);
    await getPlatformMetadata({ base: `${server.base}/ignored/path?x=1`, identity: { resourceId }, correlationId, agent });
    expect(server.requests[0]!.url).toBe(`/metadata/identity/getplatformmetadata?cred-api-version=2.0&mi_res_id=${resourceId}`);
  });

  it.each([
    [{ clientId: 'c-1' }, 'client_id=c-1'],
    [{ objectId: 'o-1' }, 'object_id=o-1'],
  ])('user-assigned %j', async (identity, selector) => {
    server = await startServer([ok]);
    await getPlatformMetadata({ base: server.base, identity, correlationId, agent });
    expect(server.requests[0]!.url).toBe(`/metadata/identity/getplatformmetadata?cred-api-version=2.0&${selector}`);
  });

  it('refuses misuse before any request', async () => {
    server = await startServer([ok]);
    await expect(getPlatformMetadata({ base: server.base, correlationId: 'a\r\nb', agent })).rejects.toThrow(/options\.correlationId/);
    await expect(getPlatformMetadata({ base: server.base, correlationId, agent, timeoutMs: 0 })).rejects.toThrow(/options\.timeoutMs/);
    await expect(getPlatformMetadata({ base: server.base, correlationId, identity: { clientId: 'a&b' } })).rejects.toThrow(TypeError);
    expect(server.requests).toHaveLength(0);
  });
});

describe('getPlatformMetadata: Server header (spec §1.3)', () => {
  it('accepts any value containing IMDS, case-insensitively', async () => {
    const { call } = await fetchWith([{ status: 200, headers: { Server: 'Microsoft-imds/1.0' }, body: JSON.stringify(good) }]);
    await expect(call).resolves.toEqual(good);
  });

  it.each([[{}], [{ Server: 'nginx/1.25' }]])('refuses a 200 with headers %j', async (headers) => {
    const { call } = await fetchWith([{ status: 200, headers, body: JSON.stringify(good) }]);
    await expect(call).rejects.toMatchObject({ code: 'ERR_IMDS_INVALID_SERVER_HEADER', status: 200, correlationId });
  });
});

describe('getPlatformMetadata: statuses and retries (spec §1.5)', () => {
  it('404 → ERR_IMDS_V2_NOT_SUPPORTED after 3 retries of 1, 2, 4 s', async () => {
    const { call, delays, requests } = await fetchWith([{ status: 404, body: 'not found' }]);
    await expect(call).rejects.toMatchObject({ code: 'ERR_IMDS_V2_NOT_SUPPORTED', status: 404 });
    expect(requests).toHaveLength(4);
    expect(delays).toEqual([1000, 2000, 4000]);
  });

  it('first 410 → 7 retries of 10 s, then ERR_IMDS_SERVICE_UNAVAILABLE', async () => {
    const { call, delays, requests } = await fetchWith([{ status: 410, body: 'gone' }]);
    await expect(call).rejects.toMatchObject({ code: 'ERR_IMDS_SERVICE_UNAVAILABLE', status: 410, errorDescription: 'gone' });
    expect(requests).toHaveLength(8);
    expect(delays).toEqual(Array(7).fill(10_000));
  });

  it('429 with Retry-After seconds waits that long, then succeeds', async () => {
    const { call, delays } = await fetchWith([{ status: 429, headers: { 'Retry-After': '7' } }, ok]);
    await expect(call).resolves.toEqual(good);
    expect(delays).toEqual([7000]);
  });

  it('429 with a Retry-After HTTP-date waits until then', async () => {
    const now = Date.UTC(2026, 2, 1, 8, 0, 0);
    const { call, delays } = await fetchWith([{ status: 429, headers: { 'Retry-After': new Date(now + 20_000).toUTCString() } }, ok], { now: () => now });
    await expect(call).resolves.toEqual(good);
    expect(delays).toEqual([20_000]);
  });

  it('429 through the retries → ERR_IMDS_SERVICE_UNAVAILABLE carrying retryAfterSeconds', async () => {
    const { call, delays } = await fetchWith([{ status: 429, headers: { 'Retry-After': '3' }, body: '{"error":"throttled"}' }]);
    await expect(call).rejects.toMatchObject({ code: 'ERR_IMDS_SERVICE_UNAVAILABLE', status: 429, retryAfterSeconds: 3, error: 'throttled' });
    expect(delays).toEqual([3000, 3000, 4000]);
  });

  it('500 then 200 succeeds after one retry', async () => {
    const { call, delays, requests } = await fetchWith([{ status: 500 }, ok]);
    await expect(call).resolves.toEqual(good);
    expect(requests).toHaveLength(2);
    expect(delays).toEqual([1000]);
  });

  it('400 is not retried → ERR_IMDS_REQUEST_FAILED with a body excerpt of at most 300 characters', async () => {
    const { call, requests } = await fetchWith([{ status: 400, body: `{"error":"invalid_request","error_description":"${'x'.repeat(500)}"}` }]);
    const error = (await call.then(
      () => ({}),
      (e: unknown) => e,
    )) as Record<string, unknown>;
    expect(error).toMatchObject({ code: 'ERR_IMDS_REQUEST_FAILED', status: 400, error: 'invalid_request', correlationId });
    expect((error.errorDescription as string).length).toBe(300);
    expect(error.errorDescription).toMatch(/^\{"error":"invalid_request"/);
    expect(error.message).toContain('Status code: 400');
    expect(requests).toHaveLength(1);
  });

  it('a redirect is refused without a second request', async () => {
    const { call, requests, delays } = await fetchWith([{ status: 302, headers: { Location: 'http://127.0.0.1:1/' } }, ok]);
    await expect(call).rejects.toMatchObject({ code: 'ERR_IMDS_REDIRECT_REFUSED', status: 302 });
    expect(requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('a body over 1 MiB → ERR_IMDS_RESPONSE_TOO_LARGE, not retried', async () => {
    const { call, requests } = await fetchWith([{ status: 200, headers: imdsServer, body: Buffer.alloc(1024 * 1024 + 1, 0x20) }]);
    await expect(call).rejects.toMatchObject({ code: 'ERR_IMDS_RESPONSE_TOO_LARGE' });
    expect(requests).toHaveLength(1);
  });

  it('a server that never answers: each attempt times out, is retried, then ERR_IMDS_TIMEOUT', async () => {
    const { call, requests, delays } = await fetchWith([() => undefined], { timeoutMs: 50 });
    await expect(call).rejects.toMatchObject({ code: 'ERR_IMDS_TIMEOUT', correlationId, message: expect.stringContaining('4 attempts') });
    expect(requests).toHaveLength(4);
    expect(delays).toEqual([1000, 2000, 4000]);
  });

  it('a timeout then an answer succeeds', async () => {
    const { call, delays } = await fetchWith([() => undefined, ok], { timeoutMs: 50 });
    await expect(call).resolves.toEqual(good);
    expect(delays).toEqual([1000]);
  });

  it('connection refused → retried, then ERR_IMDS_UNREACHABLE', async () => {
    const { sleep, delays } = recordingSleep();
    const base = await refusedBase();
    await expect(getPlatformMetadata({ base, correlationId, agent, sleep })).rejects.toMatchObject({ code: 'ERR_IMDS_UNREACHABLE', message: expect.stringContaining('ECONNREFUSED') });
    expect(delays).toEqual([1000, 2000, 4000]);
  });
});

describe('parsePlatformMetadata (spec §2)', () => {
  const parse = (value: unknown) => parsePlatformMetadata(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)));
  const refused = (why: RegExp) => expect.objectContaining({ code: 'ERR_IMDS_INVALID_METADATA', status: 200, message: expect.stringMatching(why) });
  const without = (name: string) => Object.fromEntries(Object.entries(good).filter(([key]) => key !== name));

  it('accepts JSON numbers for string fields and ignores unknown members', () => {
    expect(parse({ ...good, clientId: 12345, tenantId: 678, extra: true, cuId: { vmssId: 42, other: 'x' } })).toEqual({ ...good, clientId: '12345', tenantId: '678', cuId: { vmssId: '42' } });
  });

  it('keeps both cuId members, drops empty or null ones', () => {
    expect(parse({ ...good, cuId: { vmId: 'v', vmssId: 's' } }).cuId).toEqual({ vmId: 'v', vmssId: 's' });
    expect(parse({ ...good, cuId: { vmId: '', vmssId: 's' } }).cuId).toEqual({ vmssId: 's' });
    expect(parse({ ...good, cuId: { vmId: 'v', vmssId: null } }).cuId).toEqual({ vmId: 'v' });
  });

  it('tolerates a UTF-8 byte order mark', () => {
    expect(parse(`\uFEFF${JSON.stringify(good)}`)).toEqual(good);
  });

  it.each(['clientId', 'tenantId', 'cuId', 'attestationEndpoint'])('refuses a missing %s', (name) => {
    expect(() => parse(without(name))).toThrow(refused(new RegExp(name)));
  });

  it.each([
    ['clientId', ''],
    ['clientId', '  '],
    ['clientId', true],
    ['clientId', null],
    ['tenantId', { id: 1 }],
    ['tenantId', ['t']],
    ['cuId', 'vm-1'],
    ['cuId', ['vm-1']],
    ['cuId', {}],
    ['cuId', { vmId: '', vmssId: '' }],
    ['cuId', { vmId: true }],
    ['cuId', { VmId: 'case matters' }],
    ['attestationEndpoint', 'sharedeus2.eus2.attest.azure.net'],
    ['attestationEndpoint', '/relative'],
    ['attestationEndpoint', ' https://padded.example'],
    ['attestationEndpoint', 5],
  ])('refuses %s = %j', (name, value) => {
    expect(() => parse({ ...good, [name]: value })).toThrow(refused(new RegExp(name)));
  });

  it('member names are case-sensitive', () => {
    expect(() => parse({ ...without('clientId'), ClientId: good.clientId })).toThrow(refused(/clientId/));
  });

  it.each([['not json'], ['[1,2]'], ['null'], ['"text"']])('refuses the body %j', (body) => {
    expect(() => parse(body)).toThrow(refused(/not a JSON object/));
  });

  it('an invalid 200 from the server surfaces as ERR_IMDS_INVALID_METADATA, not retried', async () => {
    const { call, requests } = await fetchWith([{ status: 200, headers: imdsServer, body: JSON.stringify(without('attestationEndpoint')) }]);
    await expect(call).rejects.toMatchObject({ code: 'ERR_IMDS_INVALID_METADATA', correlationId });
    expect(requests).toHaveLength(1);
  });
});
