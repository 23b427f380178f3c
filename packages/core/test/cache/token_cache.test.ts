import { TokenCache, type CachedToken } from '../../src/cache/token_cache.js';
import { scopesKey } from '../../src/cache/scopes.js';
import { SingleFlight } from '../../src/cache/single_flight.js';

const now = 1_700_000_000_000;
const token = (over: Partial<CachedToken> = {}): CachedToken => ({
  accessToken: 'at',
  tokenType: 'mtls_pop',
  expiresOnMs: now + 3_600_000,
  refreshOnMs: undefined,
  scopes: ['https://graph.microsoft.com/.default'],
  x5tS256: 'T1',
  correlationId: 'c',
  ...over,
});
const parts = { environment: 'login.microsoftonline.com', tenant: 'tid', clientId: 'cid', tokenType: 'mtls_pop', x5tS256: 'T1' };

describe('TokenCache', () => {
  test('partitions differ by token type and by certificate', () => {
    const keys = new Set([
      TokenCache.partitionKey(parts),
      TokenCache.partitionKey({ ...parts, tokenType: 'Bearer' }),
      TokenCache.partitionKey({ ...parts, x5tS256: 'T2' }),
      TokenCache.partitionKey({ ...parts, tenant: 'other' }),
      TokenCache.partitionKey({ ...parts, extra: 'att=1' }),
    ]);
    expect(keys.size).toBe(5);
  });
  test('a value cannot forge another partition by embedding the separator', () => {
    const a = TokenCache.partitionKey({ ...parts, tenant: 'a|1:b', clientId: 'c' });
    const b = TokenCache.partitionKey({ ...parts, tenant: 'a', clientId: 'b|1:c' });
    expect(a).not.toBe(b);
  });
  test('partition() returns the same Map for a key, also after clear and deserialize', () => {
    const cache = new TokenCache();
    const p = cache.partition('k');
    cache.set(p, 's', token());
    const text = cache.serialize(now);
    cache.clear();
    expect(p.size).toBe(0);
    cache.deserialize(text, now);
    expect(cache.partition('k')).toBe(p);
    expect(p.get('s')).toEqual(token());
  });
  test('serialize drops expired tokens and holds no key or certificate', () => {
    const cache = new TokenCache();
    const p = cache.partition('k');
    cache.set(p, 'live', token());
    cache.set(p, 'dead', token({ expiresOnMs: now - 1 }));
    const text = cache.serialize(now);
    expect(Object.keys(JSON.parse(text).partitions.k)).toEqual(['live']);
    expect(text).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
  });
  test('hasChanged tracks writes', () => {
    const cache = new TokenCache();
    expect(cache.hasChanged).toBe(false);
    cache.set(cache.partition('k'), 's', token());
    expect(cache.hasChanged).toBe(true);
    cache.serialize(now);
    expect(cache.hasChanged).toBe(false);
  });
  test.each(['nope', '{}', '{"version":2,"partitions":{}}', '{"version":1,"partitions":{"k":{"s":{"accessToken":1}}}}'])(
    'deserialize(%p) → ERR_MTLS_CACHE_FORMAT',
    (text) => {
      expect(() => new TokenCache().deserialize(text, now)).toThrow(expect.objectContaining({ code: 'ERR_MTLS_CACHE_FORMAT' }));
    },
  );
});

describe('scopesKey', () => {
  test('normalises: trim, lower-case, de-duplicate, sort', () => {
    expect(scopesKey(['https://graph.microsoft.com/.default'])).toBe('https://graph.microsoft.com/.default');
    expect(scopesKey(['  B ', 'a', 'b'])).toBe('a b');
  });
  test.each([[[]], ['x'], [[1]], [['']], [['a b']], [undefined]])('%p is misuse', (scopes) => {
    expect(() => scopesKey(scopes)).toThrow(expect.objectContaining({ code: 'ERR_MTLS_INVALID_ARGUMENT' }));
  });
});

describe('SingleFlight', () => {
  test('callers of one key share one run; a failure clears the key', async () => {
    const flight = new SingleFlight<number>();
    let runs = 0;
    let release!: (n: number) => void;
    const work = (): Promise<number> => {
      runs++;
      return new Promise<number>((r) => (release = r));
    };
    const all = Promise.all(Array.from({ length: 10 }, () => flight.run('k', work)));
    release(7);
    expect(await all).toEqual(Array(10).fill(7));
    expect(runs).toBe(1);
    await expect(flight.run('k', () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(flight.has('k')).toBe(false);
    expect(await flight.run('k', async () => 8)).toBe(8);
  });
});
