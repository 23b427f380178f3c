// Loads the addon from this package's prebuilds/ with node-gyp-build. Plain CommonJS at the
// package root so that `__dirname` is the package root both for dist/ (ESM) and for the tests,
// which run the TypeScript sources. Never builds anything: a missing prebuild is an error.
'use strict';
module.exports = function loadBinding() {
  return require('node-gyp-build')(__dirname);
};
