import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorCodes } from '../../src/errors/codes.js';

const root = join(__dirname, '../../../..');

// The docs table is generated from the catalogue; this keeps them in step (run after `pnpm build`).
test('docs/errors.md is generated from the catalogue and up to date', () => {
  execFileSync('node', [join(root, 'scripts/errors-table.mjs'), '--check'], { stdio: 'pipe' });
  const doc = readFileSync(join(root, 'docs/errors.md'), 'utf8');
  for (const code of errorCodes) expect(doc).toContain(`| \`${code}\` |`);
});
