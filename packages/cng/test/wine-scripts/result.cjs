// Shared by the Wine-side scripts: read the input the Linux-side test gave, write the JSON answer,
// and load the addon the way users do (node-gyp-build over the package's prebuilds/).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const packageRoot = path.resolve(__dirname, '../..');

function input() {
  return JSON.parse(fs.readFileSync(process.env.WINE_INPUT, 'utf8'));
}

function writeResult(value) {
  fs.writeFileSync(process.env.WINE_RESULT, JSON.stringify(value, (key, v) => (v && v.type === 'Buffer' && Array.isArray(v.data) ? { base64: Buffer.from(v.data).toString('base64') } : v)));
}

function loadAddon() {
  return require(path.join(packageRoot, 'node_modules/node-gyp-build'))(packageRoot);
}

/** Runs `main` and writes what it returns (or the error) as the result. */
function run(main) {
  Promise.resolve()
    .then(() => main(input()))
    .then(
      (value) => writeResult({ ok: true, value }),
      (error) => {
        writeResult({ ok: false, error: { name: error && error.name, message: String(error && error.message), code: error && error.code, stack: String(error && error.stack) } });
        process.exitCode = 1;
      },
    );
}

module.exports = { input, writeResult, loadAddon, run, packageRoot };
