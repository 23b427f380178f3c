// NativeKey lifetime and argument checks under Wine: close/delete/finalizer against signatures in
// flight, use after close, and wrong argument types.
'use strict';
const v8 = require('node:v8');
const vm = require('node:vm');
const { run, loadAddon } = require('./result.cjs');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const provider = 'Microsoft Software Key Storage Provider';
const pss = { padding: 'pss', hash: 'SHA256', saltLength: 32 };

function describeError(error) {
  return { name: error && error.name, message: String(error && error.message) };
}

// How a synchronous call ended.
function callSync(fn) {
  try {
    const value = fn();
    return { returned: true, value: value === undefined ? null : value };
  } catch (error) {
    return { threw: true, ...describeError(error) };
  }
}

// How a promise-returning call ended, telling a synchronous throw from a rejection.
async function callAsync(fn) {
  let promise;
  try {
    promise = fn();
  } catch (error) {
    return { threwSync: true, ...describeError(error) };
  }
  if (!(promise instanceof Promise)) return { notAPromise: true };
  try {
    const value = await promise;
    return { resolved: true, ok: value && value.ok };
  } catch (error) {
    return { rejected: true, ...describeError(error) };
  }
}

async function newKey(addon) {
  const result = await addon.createKey({ provider, name: null, flags: 0, length: 2048 });
  if (!result.ok) throw new Error(`createKey failed: ${JSON.stringify(result)}`);
  return result.key;
}

run(async ({ digest: digestBase64 }) => {
  const addon = loadAddon();
  const digest = Buffer.from(digestBase64, 'base64');
  const good = { provider, name: null, flags: 0, length: 2048 };

  // A signature in flight keeps the handles open through close().
  const closing = await newKey(addon);
  const closingPublic = closing.exportPublicKey();
  const inFlight = [0, 1, 2, 3].map(() => closing.sign(digest, pss));
  closing.close();
  const closedWhileSigning = await Promise.all(inFlight);

  // ... and through the finalizer, when the last reference goes while it runs.
  let dropped = await newKey(addon);
  const droppedPublic = dropped.exportPublicKey();
  const droppedSigning = dropped.sign(digest, pss);
  dropped = null;
  gc();
  const collectedWhileSigning = await droppedSigning;
  for (let i = 0; i < 20; i++) await newKey(addon);
  gc();

  // delete() refuses while a lease is out.
  const busy = await newKey(addon);
  const busySigning = busy.sign(digest, pss);
  const deleteWhileSigning = callSync(() => busy.delete());
  await busySigning;

  // Use after close.
  const closed = await newKey(addon);
  const closeTwice = [callSync(() => closed.close()), callSync(() => closed.close())];
  const afterClose = {
    closed: closed.closed,
    name: closed.name,
    provider: closed.provider,
    exportPublicKey: callSync(() => closed.exportPublicKey()),
    getProperty: callSync(() => closed.getProperty('Length')),
    delete: callSync(() => closed.delete()),
    sign: await callAsync(() => closed.sign(digest, pss)),
  };

  // Wrong argument types.
  const key = await newKey(addon);
  const NativeKey = Object.getPrototypeOf(key).constructor;
  const closedGetter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(key), 'closed').get;
  const wrongTypes = {
    createKeyNoOptions: await callAsync(() => addon.createKey()),
    createKeyProvider: await callAsync(() => addon.createKey({ ...good, provider: 5 })),
    createKeyName: await callAsync(() => addon.createKey({ ...good, name: 42 })),
    createKeyEmptyName: await callAsync(() => addon.createKey({ ...good, name: '' })),
    createKeyFlagsNegative: await callAsync(() => addon.createKey({ ...good, flags: -1 })),
    createKeyFlagsFraction: await callAsync(() => addon.createKey({ ...good, flags: 1.5 })),
    createKeyLengthString: await callAsync(() => addon.createKey({ ...good, length: '2048' })),
    createKeyUsageString: await callAsync(() => addon.createKey({ ...good, keyUsage: 'all' })),
    openKeyNullName: await callAsync(() => addon.openKey({ provider, name: null, flags: 0 })),
    signDigestString: await callAsync(() => key.sign('digest', pss)),
    signNoOptions: await callAsync(() => key.sign(digest)),
    signPadding: await callAsync(() => key.sign(digest, { ...pss, padding: 'oaep' })),
    signHash: await callAsync(() => key.sign(digest, { ...pss, hash: 'SHA1' })),
    signSaltMissing: await callAsync(() => key.sign(digest, { padding: 'pss', hash: 'SHA256' })),
    getPropertyNumber: callSync(() => key.getProperty(5)),
    methodOnPlainObject: callSync(() => key.exportPublicKey.call({})),
    getterOnPlainObject: callSync(() => closedGetter.call({})),
    construct: callSync(() => new NativeKey()),
    constructWithObject: callSync(() => new NativeKey({})),
  };
  const stillUsable = (await key.sign(digest, pss)).ok;

  return {
    closingPublic,
    closedWhileSigning,
    droppedPublic,
    collectedWhileSigning,
    deleteWhileSigning,
    closeTwice,
    afterClose,
    wrongTypes,
    stillUsable,
  };
});
