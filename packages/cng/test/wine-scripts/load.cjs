// The prebuild loads through node-gyp-build in a Windows node.exe and reports its contract version.
'use strict';
const { run, loadAddon } = require('./result.cjs');

run(() => {
  const addon = loadAddon();
  return { abiVersion: addon.abiVersion, platform: process.platform, arch: process.arch, node: process.version, exports: Object.keys(addon).sort() };
});
