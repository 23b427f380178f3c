import { parseRawHeaders, transportFailureKind, type Failure } from '@msal-mtls/cng';

const failure = (api: string, code: number): Failure => ({ ok: false, api, code, hex: `0x${code.toString(16).padStart(8, '0').toUpperCase()}`, message: '' });

describe('Schannel transport: reading what WinHTTP returns', () => {
  it('turns the raw CRLF header block into lower-case names, repeats joined', () => {
    const raw = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nX-Empty:\r\nbroken line\r\n\r\n';
    expect(parseRawHeaders(raw)).toEqual({ 'content-type': 'application/json', 'set-cookie': 'a=1, b=2', 'x-empty': '' });
  });

  it.each([
    ['WinHttpReceiveResponse', 12002, 'timeout'],
    ['WinHttpReceiveResponse', 10060, 'timeout'],
    ['WinHttpSendRequest', 10054, 'network'],
    ['WinHttpSendRequest', 12029, 'network'],
    ['WinHttpSendRequest', 12030, 'network'],
    ['WinHttpSendRequest', 12175, 'tls'],
    ['WinHttpSendRequest', 12157, 'tls'],
    ['WinHttpSendRequest', 0x8009030d, 'tls'],
    ['CertVerifyCertificateChainPolicy', 0x800b0109, 'untrusted'],
    ['CertGetCertificateChain', 0x80092012, 'untrusted'],
    ['WinHttpReadData', 111, 'too-large'],
  ] as const)('classifies %s %d as %s', (api, code, kind) => {
    expect(transportFailureKind(failure(api, code))).toBe(kind);
  });
});
