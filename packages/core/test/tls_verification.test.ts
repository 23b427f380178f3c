import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// No code path may turn TLS verification off. The only allowed place is the emulator's own
// server, which asks for client certificates and judges them in HTTP, as Entra does.
const root = join(__dirname, '../../..');
const allowed = new Set(['packages/emulator/dist/server.js']);
const forbidden = [/rejectUnauthorized\s*:\s*false/, /NODE_TLS_REJECT_UNAUTHORIZED/, /checkServerIdentity\s*:\s*\(\)\s*=>/, /insecureHTTPParser/];

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (path.endsWith('.js')) yield path;
  }
}

test('the built packages never disable TLS verification', () => {
  const hits: string[] = [];
  let scanned = 0;
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const dist = join(root, 'packages', pkg, 'dist');
    try {
      statSync(dist);
    } catch {
      continue;
    }
    for (const file of files(dist)) {
      scanned++;
      const name = relative(root, file);
      const text = readFileSync(file, 'utf8');
      for (const pattern of forbidden) if (pattern.test(text) && !allowed.has(name)) hits.push(`${name}: ${pattern}`);
    }
  }
  expect(scanned).toBeGreaterThan(50);
  expect(hits).toEqual([]);
});
