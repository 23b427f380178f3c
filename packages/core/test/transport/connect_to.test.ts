import { parseConnectTo, resolveDialTarget } from '../../src/transport/connect_to.js';

describe('connect-to rules (curl --connect-to meaning)', () => {
  test('exact host and port', () => {
    const rules = parseConnectTo(['eastus.mtlsauth.microsoft.com:443:127.0.0.1:8443']);
    expect(resolveDialTarget(rules, 'eastus.mtlsauth.microsoft.com', 443)).toEqual({ host: '127.0.0.1', port: 8443 });
    expect(resolveDialTarget(rules, 'westus.mtlsauth.microsoft.com', 443)).toEqual({ host: 'westus.mtlsauth.microsoft.com', port: 443 });
    expect(resolveDialTarget(rules, 'eastus.mtlsauth.microsoft.com', 444)).toEqual({ host: 'eastus.mtlsauth.microsoft.com', port: 444 });
  });
  test('empty host and port match any; empty connect fields keep the original', () => {
    expect(resolveDialTarget(parseConnectTo(['::127.0.0.1:9000']), 'x.example', 443)).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(resolveDialTarget(parseConnectTo(['x.example::other.example:']), 'x.example', 443)).toEqual({ host: 'other.example', port: 443 });
  });
  test('first match wins; host match is case-insensitive', () => {
    const rules = parseConnectTo(['X.example:443:a:1', '::b:2']);
    expect(resolveDialTarget(rules, 'x.example', 443)).toEqual({ host: 'a', port: 1 });
    expect(resolveDialTarget(rules, 'y.example', 443)).toEqual({ host: 'b', port: 2 });
  });
  test('bracketed IPv6', () => {
    expect(resolveDialTarget(parseConnectTo(['h:443:[::1]:8443']), 'h', 443)).toEqual({ host: '::1', port: 8443 });
  });
  test.each([['nope'], ['a:b:c:d'], ['h:443:x:70000'], [42]])('invalid %p is a TypeError naming the entry', (entry) => {
    expect(() => parseConnectTo([entry])).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_MTLS_INVALID_ARGUMENT', message: expect.stringContaining('connectTo[0]') }));
  });
  test('not an array', () => {
    expect(() => parseConnectTo('h:1:h:2')).toThrow(TypeError);
  });
});
