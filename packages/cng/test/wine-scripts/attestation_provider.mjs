// CngAttestationProvider (TypeScript) over the real addon and the stand-in DLL: a token, and each
// failure stage as its typed error. The addon is loaded from a copy that has the DLL beside it
// (input.addon), or from one that has none (input.bareAddon).
import { createRequire } from 'node:module';
import { cng, run } from './dist.mjs';

const require = createRequire(import.meta.url);

run(async (input) => {
  const binding = require(input.addon);
  const key = await cng.openBindingKey(binding, { lowest: 'in-memory' });
  const provider = new cng.CngAttestationProvider({ binding });
  const attempt = async (mode, withBinding = binding, withProvider = provider) => {
    process.env.FAKE_ATTESTATION_MODE = mode;
    return withProvider.attest({ endpoint: 'https://sharedeus2.eus2.attest.azure.net', key, clientId: 'client-1' }).then(
      (token) => ({ token }),
      (error) => ({ name: error.name, code: error.code, message: error.message, api: error.status?.api }),
    );
  };
  const ok = await attempt('ok');
  const attestFail = await attempt('attest-fail');
  const initFail = await attempt('init-fail');
  const bare = require(input.bareAddon);
  const bareKey = await cng.openBindingKey(bare, { lowest: 'in-memory' });
  process.env.FAKE_ATTESTATION_MODE = 'ok';
  const missing = await new cng.CngAttestationProvider({ binding: bare }).attest({ endpoint: 'https://x.attest.azure.net', key: bareKey, clientId: '' }).then(
    () => ({}),
    (error) => ({ code: error.code, message: error.message }),
  );
  const notCng = await provider.attest({ endpoint: 'https://x.attest.azure.net', key: {}, clientId: '' }).then(() => ({}), (e) => ({ name: e.name, code: e.code }));
  return { ok, attestFail, initFail, missing, notCng, keyName: key.name };
});
