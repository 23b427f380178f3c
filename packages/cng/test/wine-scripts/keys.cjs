// NCrypt keys under Wine: create, export, sign and read properties, and the statuses Wine gives
// for what it does not model. The Linux side checks the signatures with its own crypto.
'use strict';
const { run, loadAddon } = require('./result.cjs');

const provider = 'Microsoft Software Key Storage Provider';

run(async ({ digest: digestBase64 }) => {
  const addon = loadAddon();
  const digest = Buffer.from(digestBase64, 'base64');

  // PSS and PKCS#1 on separate keys: Wine pins a key to the first padding it signs with.
  const pss = await addon.createKey({ provider, name: null, flags: 0, length: 2048, keyUsage: 0x00ffffff, exportPolicy: 0 });
  const pkcs1 = await addon.createKey({ provider, name: null, flags: 0, length: 2048 });
  const key = pss.key;
  const pssPublic = key.exportPublicKey();
  const pssSignature = await key.sign(digest, { padding: 'pss', hash: 'SHA256', saltLength: 32 });
  const pkcs1Public = pkcs1.key.exportPublicKey();
  const pkcs1Signature = await pkcs1.key.sign(digest, { padding: 'pkcs1', hash: 'SHA256', saltLength: 0 });

  const named = await addon.createKey({ provider, name: 'msal-mtls-wine-keys-test', flags: 0x80, length: 2048 });

  return {
    identity: { name: key.name, provider: key.provider, closed: key.closed, namedName: named.ok && named.key.name },
    pssPublic,
    pssSignature,
    pkcs1Public,
    pkcs1Signature,
    properties: {
      length: key.getProperty('Length'),
      keyUsage: key.getProperty('Key Usage'),
      exportPolicy: key.getProperty('Export Policy'),
      exportPolicyUnset: pkcs1.key.getProperty('Export Policy'),
      virtualIso: key.getProperty('Virtual Iso'),
    },
    openKey: await addon.openKey({ provider, name: 'msal-mtls-wine-keys-test', flags: 0x40 }),
    deleteEphemeral: key.delete(),
    closedAfterFailedDelete: key.closed,
    exportAfterFailedDelete: key.exportPublicKey().ok,
    finalizeFailure: await addon.createKey({ provider, name: null, flags: 0, length: 0 }),
  };
});
