import { identityKey, parseIdentity, resourceScope } from '../../src/client/identity.js';

describe('resourceScope (spec §6.1)', () => {
  test.each([
    ['https://management.azure.com/', 'https://management.azure.com/.default'],
    ['https://management.azure.com', 'https://management.azure.com/.default'],
    ['https://graph.microsoft.com/.default', 'https://graph.microsoft.com/.default'],
    ['https://vault.azure.net//', 'https://vault.azure.net/.default'],
  ])('%s → %s', (resource, scope) => expect(resourceScope(resource)).toBe(scope));
});

describe('identity', () => {
  test('keys keep the kind, so equal strings of different kinds never share a cache entry', () => {
    expect(identityKey(undefined)).toBe('system_assigned_managed_identity');
    expect(identityKey({ clientId: 'X' })).not.toBe(identityKey({ objectId: 'X' }));
    expect(identityKey({ clientId: 'ABC' })).toBe(identityKey({ clientId: 'abc' }));
  });
  test.each([[null], ['x'], [{}], [{ clientId: '' }], [{ clientId: 'a', objectId: 'b' }], [{ other: 'x' }]])('%p is misuse', (value) => {
    expect(() => parseIdentity(value)).toThrow(TypeError);
  });
});
