// The built packages, imported the way an app on Windows would get them (ESM dist/), plus the
// result helpers. Paths are relative so they work from the Windows node.exe under Wine.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const { run } = require('./result.cjs');
export const cng = await import('../../dist/index.js');
export const imds = await import('../../../imds/dist/index.js');
export const core = await import('../../../core/dist/index.js');
