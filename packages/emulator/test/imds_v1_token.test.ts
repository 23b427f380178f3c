import { startEmulator, type Emulator } from '../src/index.js';
import { httpRequest } from './helpers/http_request.js';
import { jwtClaims } from './helpers/https_request.js';

const tenantId = '12121212-3434-4565-8787-909090909090';
const sami = '21212121-0000-4000-8000-000000000001';
const uami = { clientId: '21212121-0000-4000-8000-000000000002', objectId: '21212121-0000-4000-8000-0000000000aa', resourceId: '/subscriptions/s/rg/uami' };
const graph = encodeURIComponent('https://graph.microsoft.com');
let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ imds: { tenantId, systemAssigned: { clientId: sami }, userAssigned: [uami] } });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const get = (query: string, path = '/metadata/identity/oauth2/token/', headers: Record<string, string> = { metadata: 'true' }) =>
  httpRequest(emu.imdsUrl, { path: `${path}?${query}`, headers });

test.each(['/metadata/identity/oauth2/token/', '/metadata/identity/oauth2/token'])('%s answers a Bearer token in IMDS shape (string times)', async (path) => {
  const before = Math.floor(Date.now() / 1000);
  const res = await get(`api-version=2018-02-01&resource=${graph}`, path);
  expect(res.status).toBe(200);
  expect(res.json).toMatchObject({ token_type: 'Bearer', client_id: sami, resource: 'https://graph.microsoft.com', expires_in: '86399' });
  expect(typeof res.json.expires_on).toBe('string');
  expect(Number(res.json.expires_on)).toBeGreaterThanOrEqual(before + 86399);
  expect(jwtClaims(res.json.access_token)).toMatchObject({ aud: 'https://graph.microsoft.com', tid: tenantId, appid: sami });
  expect(emu.imds.requests[0]?.status).toBe(200);
});

test('user-assigned by client_id, object_id or msi_res_id', async () => {
  for (const selector of [`client_id=${uami.clientId}`, `object_id=${uami.objectId}`, `msi_res_id=${uami.resourceId}`]) {
    const res = await get(`api-version=2018-02-01&resource=${graph}&${selector}`);
    expect(res.json.client_id).toBe(uami.clientId);
  }
  expect((await get(`api-version=2018-02-01&resource=${graph}&client_id=unknown`)).json.error_description).toBe('Identity not found');
});

test('refusals: no Metadata header, no resource, no or unknown api-version, POST', async () => {
  expect((await get(`api-version=2018-02-01&resource=${graph}`, undefined, {})).status).toBe(400);
  expect((await get('api-version=2018-02-01')).json.error_description).toBe('Required audience parameter not specified');
  expect((await get(`resource=${graph}`)).status).toBe(400);
  expect((await get(`api-version=2099-01-01&resource=${graph}`)).status).toBe(400);
  const post = await httpRequest(emu.imdsUrl, { path: `/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${graph}`, method: 'POST', headers: { metadata: 'true' }, body: '' });
  expect(post.status).toBe(405);
});
