// Drives NativeSession against the Linux test server, one named scenario after another, in one
// Windows process. Input: { port, issuerUrl, pfx, password, caDer, otherCaDer, scenarios: [names] }
// (Buffers as { base64 }). Answer: { [scenario]: what it saw }, each call as { value } or { threw }.
'use strict';
const crypto = require('node:crypto');
const http = require('node:http');
const { run, loadAddon } = require('./result.cjs');

const fromBase64 = (value) => Buffer.from(value.base64, 'base64');

/** { value } or { threw: { name, message } }, for sync and async calls alike. */
async function settle(call) {
  try {
    return { value: await call() };
  } catch (error) {
    return { threw: { name: error && error.name, message: String(error && error.message) } };
  }
}

/** A response with its body as text, so the Linux side can read what the server echoed. */
function readable(answer) {
  if (!answer.value || answer.value.ok !== true) return answer;
  const { body, ...rest } = answer.value;
  return { value: { ...rest, bodyText: body.toString('utf8'), bodyLength: body.length } };
}

function postForCertificate(url, publicKeyPem) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST' }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => (response.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(Buffer.concat(chunks).toString()))));
    });
    request.on('error', reject);
    request.end(publicKeyPem);
  });
}

run(async (input) => {
  const addon = loadAddon();
  const caDer = fromBase64(input.caDer);
  const otherCaDer = fromBase64(input.otherCaDer);
  const base = `https://localhost:${input.port}`;
  const storeCertificate = { kind: 'store', location: 'CurrentUser', store: 'My', sha1: input.clientSha1 };
  const session = (options) => addon.createSession({ certificate: storeCertificate, trustedRoots: [caDer], userAgent: 'msal-mtls-winhttp-test/1', ...options });
  const request = (options) => ({ method: 'GET', headers: [], body: null, timeoutMs: 10000, serverName: 'localhost', maxBodyBytes: 1 << 20, ...options });

  const scenarios = {
    async import() {
      return settle(() => addon.importPfx({ location: 'CurrentUser', store: 'My' }, fromBase64(input.pfx), input.password));
    },

    async roundTrip() {
      const made = session({});
      if (!made.ok) return { made };
      const first = readable(await settle(() => made.session.request(request({
        method: 'POST',
        url: `${base}/echo/one?x=1&y=two#not-sent`,
        headers: [['X-Test', 'first'], ['Content-Type', 'application/json']],
        body: Buffer.from('{"hello":"world"}'),
      }))));
      const second = readable(await settle(() => made.session.request(request({ method: 'PUT', url: `${base}/echo/two`, headers: [['X-Test', 'second']], body: Buffer.from('second body') }))));
      made.session.close();
      return { first, second };
    },

    async otherCa() {
      const made = session({ trustedRoots: [otherCaDer] });
      const started = Date.now();
      const answer = await settle(() => made.session.request(request({ method: 'POST', url: `${base}/other-ca`, headers: [['X-Secret', 'must-not-leave']], body: Buffer.from('secret body') })));
      made.session.close();
      return { answer, elapsedMs: Date.now() - started };
    },

    async wrongName() {
      const made = session({});
      const answer = await settle(() => made.session.request(request({ url: `${base}/wrong-name`, serverName: 'not-covered.example' })));
      made.session.close();
      return answer;
    },

    async systemTrustOnly() {
      const made = session({ trustedRoots: [] });
      const answer = await settle(() => made.session.request(request({ url: `${base}/system-trust` })));
      made.session.close();
      return answer;
    },

    async stall() {
      const made = session({});
      const started = Date.now();
      const answer = await settle(() => made.session.request(request({ url: `${base}/stall`, timeoutMs: 1500 })));
      made.session.close();
      return { answer, elapsedMs: Date.now() - started };
    },

    async bodyLimit() {
      const made = session({});
      const over = readable(await settle(() => made.session.request(request({ url: `${base}/big?n=5000`, maxBodyBytes: 4999 }))));
      const exact = readable(await settle(() => made.session.request(request({ url: `${base}/big?n=5000`, maxBodyBytes: 5000 }))));
      made.session.close();
      return { over, exact };
    },

    async badArguments() {
      const made = session({});
      const attempts = {
        crInValue: () => made.session.request(request({ url: `${base}/bad`, headers: [['X-Test', 'a\r\nX-Injected: 1']] })),
        lfInValue: () => made.session.request(request({ url: `${base}/bad`, headers: [['X-Test', 'a\nb']] })),
        crlfInName: () => made.session.request(request({ url: `${base}/bad`, headers: [['X-Test\r\nX-Injected', 'a']] })),
        colonInName: () => made.session.request(request({ url: `${base}/bad`, headers: [['X-Test: a', 'b']] })),
        plainHttp: () => made.session.request(request({ url: `http://localhost:${input.port}/bad` })),
        notAUrl: () => made.session.request(request({ url: 'localhost/bad' })),
        spaceInUrl: () => made.session.request(request({ url: `${base}/bad path` })),
        methodWithSpace: () => made.session.request(request({ method: 'GET /x HTTP/1.1\r\n', url: `${base}/bad` })),
        unknownKind: () => addon.createSession({ certificate: { kind: 'pem' }, trustedRoots: [], userAgent: 'x' }),
        rootNotBuffer: () => addon.createSession({ certificate: storeCertificate, trustedRoots: ['pem'], userAgent: 'x' }),
        sessionConstructor: () => new made.session.constructor({}),
      };
      const answers = {};
      for (const [name, attempt] of Object.entries(attempts)) answers[name] = await settle(attempt);
      made.session.close();
      return answers;
    },

    async control() {
      const made = session({});
      const answer = readable(await settle(() => made.session.request(request({ url: `${base}/control` }))));
      made.session.close();
      return answer;
    },

    async closedKey() {
      const created = await addon.createKey({ provider: 'Microsoft Software Key Storage Provider', name: null, flags: 0, length: 2048 });
      if (!created.ok) return { created };
      created.key.close();
      return settle(() => addon.createSession({ certificate: { kind: 'key', der: Buffer.from('unused'), key: created.key }, trustedRoots: [], userAgent: 'x' }));
    },

    async badRoot() {
      return settle(() => session({ trustedRoots: [Buffer.from('not a certificate')] }));
    },

    async unknownThumbprint() {
      return settle(() => session({ certificate: { ...storeCertificate, sha1: '00'.repeat(20) } }));
    },

    async closing() {
      const made = session({});
      // In flight when close() is called: it still completes.
      const inFlight = made.session.request(request({ url: `${base}/slow?ms=400` }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      made.session.close();
      made.session.close();
      const afterClose = await settle(() => made.session.request(request({ url: `${base}/after-close` })));
      return { inFlight: readable(await settle(() => inFlight)), afterClose };
    },

    async collected() {
      // The JS object may be collected while a request is in flight: the request holds the handles.
      require('node:v8').setFlagsFromString('--expose-gc');
      const gc = require('node:vm').runInNewContext('gc');
      let collectedBeforeAnswer = false;
      const registry = new FinalizationRegistry(() => (collectedBeforeAnswer = true));
      let made = session({});
      registry.register(made.session, 'session');
      const pending = made.session.request(request({ url: `${base}/slow?ms=500` }));
      made = null;
      for (let i = 0; i < 5 && !collectedBeforeAnswer; i += 1) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const seenBeforeAnswer = collectedBeforeAnswer;
      return { answer: readable(await settle(() => pending)), collectedBeforeAnswer: seenBeforeAnswer };
    },

    async ncryptKey() {
      const created = await addon.createKey({ provider: 'Microsoft Software Key Storage Provider', name: null, flags: 0, length: 2048 });
      if (!created.ok) return { created };
      const exported = created.key.exportPublicKey();
      const jwk = { kty: 'RSA', n: exported.modulus.toString('base64url'), e: exported.exponent.toString('base64url') };
      const publicKeyPem = crypto.createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
      const der = await postForCertificate(input.issuerUrl, publicKeyPem);
      const badDer = await settle(() => addon.createSession({ certificate: { kind: 'key', der: der.subarray(0, 100), key: created.key }, trustedRoots: [], userAgent: 'x' }));
      const made = addon.createSession({ certificate: { kind: 'key', der, key: created.key }, trustedRoots: [caDer], userAgent: 'msal-mtls-winhttp-test/1' });
      if (!made.ok) return { made };
      // The session holds its own lease: closing the JS key must not pull the handle from under it.
      created.key.close();
      const answer = await settle(() => made.session.request(request({ url: `${base}/ncrypt` })));
      made.session.close();
      return { answer, badDer, certificateSha256: new crypto.X509Certificate(der).fingerprint256 };
    },
  };

  scenarios.cleanup = () => settle(() => addon.deleteCertificate({ location: 'CurrentUser', store: 'My' }, input.clientSha1));

  const results = {};
  for (const name of input.scenarios) results[name] = await scenarios[name]();
  return results;
});
