// attestKey under Wine, against the stand-in AttestationClientLib.dll. The addon is required by
// path from a package layout the Linux side built (<pkg>/prebuilds/win32-x64/<addon>.node), so
// where the DLL is found depends on that layout alone. Input:
//   addon: the .node to load; calls: [{ mode }] run in order with FAKE_ATTESTATION_MODE = mode;
//   cwd / pathDir: folders (holding a copy of the DLL) to make the current directory / put first
//   on PATH before any call; renameAfterFirst: move this file away after the first call.
'use strict';
const fs = require('node:fs');
const { run } = require('./result.cjs');

const provider = 'Microsoft Software Key Storage Provider';

function describeError(error) {
  return { name: error && error.name, message: String(error && error.message) };
}

async function rejection(fn) {
  try {
    const value = await fn();
    return { resolved: true, ok: value && value.ok };
  } catch (error) {
    return { rejected: true, ...describeError(error) };
  }
}

run(async (input) => {
  if (input.cwd) process.chdir(input.cwd);
  if (input.pathDir) process.env.PATH = `${input.pathDir};${process.env.PATH}`;
  const addon = require(input.addon);
  const created = await addon.createKey({ provider, name: null, flags: 0, length: 2048 });
  if (!created.ok) throw new Error(`createKey failed: ${JSON.stringify(created)}`);
  const key = created.key;
  const modulus = key.exportPublicKey().modulus.toString('hex');

  const calls = [];
  for (const [index, call] of input.calls.entries()) {
    process.env.FAKE_ATTESTATION_MODE = call.mode;
    calls.push(await addon.attestKey(key, call.endpoint, call.clientId));
    if (index === 0 && input.renameAfterFirst) fs.renameSync(input.renameAfterFirst, `${input.renameAfterFirst}.moved`);
  }

  let control;
  if (input.cwd) {
    // The standard search order (current directory, PATH) does find the DLL by its bare name:
    // Node's dlopen gets past "not found" and fails only because it is no Node addon.
    control = await rejection(() => process.dlopen({ exports: {} }, 'AttestationClientLib.dll'));
  }

  let wrongArguments;
  if (input.wrongArguments) {
    const closed = (await addon.createKey({ provider, name: null, flags: 0, length: 2048 })).key;
    closed.close();
    wrongArguments = {
      notAKey: await rejection(() => addon.attestKey({}, 'https://example/', 'client')),
      closedKey: await rejection(() => addon.attestKey(closed, 'https://example/', 'client')),
      endpointNumber: await rejection(() => addon.attestKey(key, 42, 'client')),
      clientIdMissing: await rejection(() => addon.attestKey(key, 'https://example/')),
    };
  }

  return { modulus, calls, control, wrongArguments };
});
