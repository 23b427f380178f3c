import { startEmulator, IMDS_SERVER_HEADER, type Emulator } from '../src/index.js';
import { getMetadata, httpRequest, METADATA_PATH } from './helpers/http_request.js';

const tenantId = '55555555-6666-7777-8888-999999999999';
const sami = { clientId: '00000000-1111-2222-3333-444444444444', objectId: '00000000-aaaa-bbbb-cccc-000000000001' };
const uami = { clientId: '66666666-0000-0000-0000-000000000001', objectId: '66666666-0000-0000-0000-0000000000aa', resourceId: '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uami-1' };
const uami2 = { clientId: '77777777-0000-0000-0000-000000000002', objectId: '77777777-0000-0000-0000-0000000000bb', resourceId: '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uami-2' };
let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({
    imds: {
      tenantId, systemAssigned: sami, userAssigned: [uami, uami2], cuId: { vmId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', vmssId: 'ffffffff-0000-0000-0000-000000000000' },
      attestationEndpoint: 'https://sharedeus2.eus2.attest.azure.net', region: 'eastus2',
    },
  });
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.reset();
  emu.imds.setV2Enabled(true);
});

test('imdsUrl is plain HTTP on its own port on the emulator host', () => {
  expect(emu.imdsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(emu.imds.url).toBe(emu.imdsUrl);
  expect(emu.imds.port).not.toBe(emu.port);
});

describe('Metadata header and probe (spec §1.2, §1.4)', () => {
  test('without Metadata: true every request is a 400, and it counts as a probe on getplatformmetadata', async () => {
    const probe = await httpRequest(emu.imdsUrl, { path: METADATA_PATH, headers: { 'x-ms-client-request-id': 'p-1' } });
    expect(probe.status).toBe(400);
    expect(probe.json).toEqual({ error: 'invalid_request', error_description: 'Required metadata header not specified' });
    expect(probe.headers['server']).toBe(IMDS_SERVER_HEADER);
    const wrongValue = await httpRequest(emu.imdsUrl, { path: METADATA_PATH, headers: { metadata: 'false' } });
    expect(wrongValue.status).toBe(400);
    const issue = await httpRequest(emu.imdsUrl, { path: '/metadata/identity/issuecredential?cred-api-version=2.0', method: 'POST', body: '{}' });
    expect(issue.status).toBe(400);
    const other = await httpRequest(emu.imdsUrl, { path: '/metadata/identity/oauth2/token?api-version=2018-02-01' });
    expect(other.status).toBe(400);
    expect(emu.imds.stats).toEqual({ metadataRequests: 0, probeRequests: 2, issuanceRequests: 1, certificatesIssued: 0 });
  });

  test('the header value is compared without case; the response carries Server: IMDS/…', async () => {
    const res = await httpRequest(emu.imdsUrl, { path: METADATA_PATH, headers: { Metadata: 'True' } });
    expect(res.status).toBe(200);
    expect(res.headers['server']).toBe('IMDS/150.870.65.1854');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  });
});

describe('getplatformmetadata (spec §2)', () => {
  test('system-assigned: camelCase body with cuId, clientId, tenantId, attestationEndpoint', async () => {
    const res = await getMetadata(emu.imdsUrl);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      cuId: { vmId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', vmssId: 'ffffffff-0000-0000-0000-000000000000' },
      clientId: sami.clientId, tenantId, attestationEndpoint: 'https://sharedeus2.eus2.attest.azure.net',
    });
    expect(Object.keys(res.json)).toEqual(['cuId', 'clientId', 'tenantId', 'attestationEndpoint']);
    expect(emu.imds.stats.metadataRequests).toBe(1);
    expect(emu.imds.stats.probeRequests).toBe(0);
  });

  test.each([
    ['client_id', `client_id=${uami2.clientId}`, uami2.clientId],
    ['object_id', `object_id=${uami.objectId}`, uami.clientId],
    ['mi_res_id (raw slashes, as MSAL sends it)', `mi_res_id=${uami2.resourceId}`, uami2.clientId],
    ['client_id in upper case', `client_id=${uami.clientId.toUpperCase()}`, uami.clientId],
  ])('user-assigned by %s', async (_name, selector, clientId) => {
    const res = await getMetadata(emu.imdsUrl, selector);
    expect(res.status).toBe(200);
    expect(res.json.clientId).toBe(clientId);
    expect(res.json.tenantId).toBe(tenantId);
  });

  test.each([
    ['unknown client_id', 'client_id=99999999-9999-9999-9999-999999999999'],
    ['unknown object_id', 'object_id=99999999-9999-9999-9999-999999999999'],
    ['unknown mi_res_id', 'mi_res_id=/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/nope'],
    ["the system-assigned identity's client id is not a user-assigned one", `client_id=${sami.clientId}`],
    ['empty client_id', 'client_id='],
  ])('%s → 400 Identity not found (not 404)', async (_name, selector) => {
    const res = await getMetadata(emu.imdsUrl, selector);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: 'invalid_request', error_description: 'Identity not found' });
  });

  test.each([
    ['two selectors', `client_id=${uami.clientId}&object_id=${uami.objectId}`, /Only one of/],
    ['the IMDSv1 name msi_res_id', `msi_res_id=${uami.resourceId}`, /mi_res_id/],
  ])('%s → 400', async (_name, selector, description) => {
    const res = await getMetadata(emu.imdsUrl, selector);
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_request');
    expect(res.json.error_description).toMatch(description);
  });

  test.each([
    ['missing', '/metadata/identity/getplatformmetadata', /missing/],
    ['1.0', '/metadata/identity/getplatformmetadata?cred-api-version=1.0', /'1\.0' is not supported/],
    ['api-version instead', '/metadata/identity/getplatformmetadata?api-version=2018-02-01', /missing/],
  ])('cred-api-version %s → 400', async (_name, path, description) => {
    const res = await httpRequest(emu.imdsUrl, { path, headers: { metadata: 'true' } });
    expect(res.status).toBe(400);
    expect(res.json.error_description).toMatch(description);
  });

  test('other paths are 404 and a POST to getplatformmetadata is 405', async () => {
    const unknown = await httpRequest(emu.imdsUrl, { path: '/metadata/instance/compute?api-version=2021-02-01', headers: { metadata: 'true' } });
    expect(unknown.status).toBe(404);
    expect(unknown.headers['server']).toBe(IMDS_SERVER_HEADER);
    const post = await httpRequest(emu.imdsUrl, { path: METADATA_PATH, method: 'POST', headers: { metadata: 'true' }, body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers['allow']).toBe('GET');
  });

  test('records method, path, raw query, headers and body', async () => {
    await getMetadata(emu.imdsUrl, `mi_res_id=${uami.resourceId}`);
    expect(emu.imds.requests).toHaveLength(1);
    expect(emu.imds.requests[0]).toMatchObject({
      method: 'GET', path: '/metadata/identity/getplatformmetadata', query: `cred-api-version=2.0&mi_res_id=${uami.resourceId}`, body: '', status: 200,
    });
    expect(emu.imds.requests[0]?.headers['x-ms-client-request-id']).toBe('corr-1');
    emu.reset();
    expect(emu.imds.requests).toHaveLength(0);
    expect(emu.imds.stats.metadataRequests).toBe(0);
  });
});

describe('IMDSv1-only VM', () => {
  test('setV2Enabled(false): getplatformmetadata is 404 with or without Metadata, so the v2 probe fails', async () => {
    emu.imds.setV2Enabled(false);
    const withHeader = await getMetadata(emu.imdsUrl);
    expect(withHeader.status).toBe(404);
    const probe = await httpRequest(emu.imdsUrl, { path: METADATA_PATH });
    expect(probe.status).toBe(404);
    const issue = await httpRequest(emu.imdsUrl, { path: '/metadata/identity/issuecredential?cred-api-version=2.0', method: 'POST', headers: { metadata: 'true' }, body: '{}' });
    expect(issue.status).toBe(404);
    expect(probe.headers['server']).toBe(IMDS_SERVER_HEADER);
    // The v1 probe path still answers 400 without Metadata: "IMDSv1 present".
    expect((await httpRequest(emu.imdsUrl, { path: '/metadata/identity/oauth2/token?api-version=2018-02-01' })).status).toBe(400);
  });

  test('the v2: false option starts that way; defaults fill the rest', async () => {
    const v1 = await startEmulator({ imds: { v2: false } });
    try {
      expect((await getMetadata(v1.imdsUrl)).status).toBe(404);
      expect(v1.imds.config).toMatchObject({
        v2: false, tenantId: '11111111-1111-4111-8111-111111111111', systemAssigned: { clientId: '22222222-2222-4222-8222-222222222222' },
        cuId: { vmId: '44444444-4444-4444-8444-444444444444' }, region: 'eastus', certificateLifetimeSeconds: 604800, requireAttestation: false,
      });
      v1.imds.setV2Enabled(true);
      expect((await getMetadata(v1.imdsUrl)).json.clientId).toBe('22222222-2222-4222-8222-222222222222');
    } finally {
      await v1.close();
    }
  });

  test('bad options are refused at start', async () => {
    await expect(startEmulator({ imds: { cuId: {} } })).rejects.toThrow(/vmId or a vmssId/);
    await expect(startEmulator({ imds: { certificateLifetimeSeconds: 0 } })).rejects.toThrow(/lifetime/);
  });
});
