#!/usr/bin/env node
// Renders the error catalogues into docs/errors.md, the one list of every code: core's
// (packages/core/src/errors/codes.ts: ERR_MTLS_*, ERR_IMDS_*) and @msal-mtls/cng's
// (packages/cng/src/errors/codes.ts: ERR_CNG_*; cng stands alone, so its codes live in it), both
// read from the built dist/. `--check` exits 1 when the file is out of date instead of writing it.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { errorCatalogue, errorCodes } = await import(pathToFileURL(join(root, 'packages/core/dist/errors/codes.js')).href);
const { cngErrorCatalogue, cngErrorCodes } = await import(pathToFileURL(join(root, 'packages/cng/dist/errors/codes.js')).href);

const cell = (text) => text.replace(/\|/g, '\\|');
const lines = [
  '# Error catalogue',
  '',
  'Every failure in msal-mtls is an error with a stable `code`. Misuse (a wrong argument type or',
  'value) is a `TypeError`/`RangeError` with code `ERR_MTLS_INVALID_ARGUMENT`; everything else is an',
  '`MtlsError` (server answers: `ServerError`, with `status`, `error`, `errorDescription`, `errorCodes`,',
  '`correlationId`). Switch on `code`, never on the message. Codes are never renamed or reused.',
  '',
  '`@msal-mtls/cng` (the Windows backend, usable without core) raises `CngError` with `ERR_CNG_*`',
  'codes and the Windows status behind it in `status` (`api`, `code`, `hex`, `message`). Through',
  'the token clients, its transport failures surface as the `ERR_MTLS_*` code of their kind with the',
  '`CngError` as `cause`.',
  '',
  'This file is generated from `packages/core/src/errors/codes.ts` and `packages/cng/src/errors/codes.ts`',
  'by `pnpm errors:table`; a test fails when it is out of date.',
  '',
  '| code | meaning | what to do |',
  '| --- | --- | --- |',
  ...errorCodes.map((code) => `| \`${code}\` | ${cell(errorCatalogue[code].meaning)} | ${cell(errorCatalogue[code].fix)} |`),
  ...cngErrorCodes.map((code) => `| \`${code}\` | ${cell(cngErrorCatalogue[code].meaning)} | ${cell(cngErrorCatalogue[code].fix)} |`),
  '',
];
const text = lines.join('\n');
const target = join(root, 'docs/errors.md');

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (current !== text) {
    console.error('docs/errors.md is out of date: run pnpm errors:table');
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target} (${errorCodes.length + cngErrorCodes.length} codes)`);
}
