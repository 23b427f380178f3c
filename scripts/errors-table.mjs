#!/usr/bin/env node
// Renders the error catalogue (packages/core/src/errors/codes.ts, read from the built dist/) into
// docs/errors.md. `--check` exits 1 when the file is out of date instead of writing it.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { errorCatalogue, errorCodes } = await import(pathToFileURL(join(root, 'packages/core/dist/errors/codes.js')).href);

const cell = (text) => text.replace(/\|/g, '\\|');
const lines = [
  '# Error catalogue',
  '',
  'Every failure in msal-mtls is an error with a stable `code`. Misuse (a wrong argument type or',
  'value) is a `TypeError`/`RangeError` with code `ERR_MTLS_INVALID_ARGUMENT`; everything else is an',
  '`MtlsError` (server answers: `ServerError`, with `status`, `error`, `errorDescription`, `errorCodes`,',
  '`correlationId`). Switch on `code`, never on the message. Codes are never renamed or reused.',
  '',
  'This file is generated from `packages/core/src/errors/codes.ts` by `pnpm errors:table`; a test',
  'fails when it is out of date.',
  '',
  '| code | meaning | what to do |',
  '| --- | --- | --- |',
  ...errorCodes.map((code) => `| \`${code}\` | ${cell(errorCatalogue[code].meaning)} | ${cell(errorCatalogue[code].fix)} |`),
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
  console.log(`wrote ${target} (${errorCodes.length} codes)`);
}
