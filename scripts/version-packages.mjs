#!/usr/bin/env node
// `pnpm version-packages`: applies the pending changesets (`changeset version`: new versions in
// package.json, a CHANGELOG.md entry per package, workspace ranges updated; bench is private and
// ignored), then makes the version constants compiled into the code follow package.json:
// @msal-mtls/core's VERSION (sent as x-client-Ver; a jest test checks it) and the CLI's
// `msal-mtls --version` (tests/pack checks it). `--check` only reports a mismatch (exit 1).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

// Each constant: the package whose version it carries, the file, and the declaration.
const constants = [
  { pkg: 'packages/core', file: 'packages/core/src/version.ts', pattern: /^(export const VERSION = ')([^']*)(';)$/m },
  { pkg: 'packages/cli', file: 'packages/cli/src/main.ts', pattern: /^(const VERSION = ')([^']*)(';)$/m },
];

if (!check) execFileSync(join(root, 'node_modules/.bin/changeset'), ['version'], { cwd: root, stdio: 'inherit' });

let stale = 0;
for (const { pkg, file, pattern } of constants) {
  const version = JSON.parse(readFileSync(join(root, pkg, 'package.json'), 'utf8')).version;
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  const match = pattern.exec(text);
  if (match === null) throw new Error(`${file}: no VERSION declaration matching ${pattern}; update scripts/version-packages.mjs.`);
  if (match[2] === version) continue;
  if (check) {
    console.error(`${file}: VERSION is ${match[2]}, ${pkg}/package.json says ${version}.`);
    stale++;
  } else {
    writeFileSync(path, text.replace(pattern, `$1${version}$3`));
    console.log(`${file}: VERSION ${match[2]} -> ${version}`);
  }
}
process.exit(stale === 0 ? 0 : 1);
