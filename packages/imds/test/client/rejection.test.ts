import { MtlsError } from '@msal-mtls/core';
import { isBindingRejected } from '../../src/client/rejection.js';

const tls = (code: string, message: string): MtlsError =>
  new MtlsError('ERR_MTLS_TLS_HANDSHAKE', { cause: Object.assign(new Error(message), { code }) });

describe('isBindingRejected (spec §6.3)', () => {
  test.each([
    ['invalid_client', new MtlsError('ERR_MTLS_CLIENT_REJECTED'), true],
    ['server alert: bad certificate', tls('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'sslv3 alert bad certificate'), true],
    ['server alert: certificate required (TLS 1.3)', tls('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'tlsv13 alert certificate required'), true],
    ['server alert: unknown ca', tls('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'tlsv1 alert unknown ca'), true],
    ['connection reset in the handshake (Schannel-style)', tls('ECONNRESET', 'socket hang up'), true],
    ['we could not verify the server', tls('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'), false],
    ['server name mismatch', tls('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"), false],
    ['a plain server error', new MtlsError('ERR_MTLS_SERVER_ERROR'), false],
    ['not ours', new Error('x'), false],
  ])('%s → %p', (_name, error, want) => {
    expect(isBindingRejected(error)).toBe(want);
  });
});
