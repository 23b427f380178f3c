// The published packages, as a user gets them: `pnpm pack` every package into a temporary folder,
// check each tarball and its manifest, then install the tarballs into a fresh npm project (no
// workspace, no pnpm; the registry only for third-party dependencies) and run them:
//   1. @msal-mtls/core alone: the tree holds core and nothing else; no native code, no install
//      scripts, no build tools.
//   2. + @msal-mtls/emulator: start its `msal-mtls-emulator` bin, then Path 1 with a script that
//      imports only @msal-mtls/core: token from the network, from the cache, a downstream call.
//   3. + @msal-mtls/imds, @msal-mtls/cng, @msal-mtls/cli: the only native files are cng's
//      win32-x64 prebuild; cng loads on this (non-Windows) machine and says it is unsupported; the
//      `msal-mtls` bin runs the demo (both paths) end to end.
// Run: `node --test tests/pack/` after `pnpm run build` (and scripts/build-cng.sh for the cng
// prebuild; with MSAL_MTLS_SKIP_WINE=1 a missing prebuild is reported, not failed).
// MSAL_MTLS_KEEP_PACK=1 keeps the temporary folder.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'msal-mtls-pack-'));
const app = join(work, 'app');
const skipWine = process.env.MSAL_MTLS_SKIP_WINE === '1';
after(() => {
  if (process.env.MSAL_MTLS_KEEP_PACK === '1') console.log(`# kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
});

/** What each published package must depend on, and nothing else. `^` = the workspace package's own version range. */
const packages = {
  core: { dependencies: {}, optionalDependencies: {} },
  emulator: { dependencies: { asn1js: 'catalog', pkijs: 'catalog' }, optionalDependencies: {} },
  imds: { dependencies: { '@msal-mtls/core': '^', asn1js: 'catalog', pkijs: 'catalog' }, optionalDependencies: { '@msal-mtls/cng': '^' } },
  cng: { dependencies: { 'node-gyp-build': 'pinned' }, optionalDependencies: {} },
  cli: { dependencies: { '@msal-mtls/core': '^', '@msal-mtls/emulator': '^', '@msal-mtls/imds': '^' }, optionalDependencies: {} },
};
const names = Object.keys(packages);
const buildTools = ['node-gyp', 'cmake-js', 'prebuildify', 'node-addon-api', 'node-api-headers', 'prebuild-install', 'node-pre-gyp', '@mapbox/node-pre-gyp'];
// What npm runs when it installs a package from the registry or a tarball (`prepare` only runs for git dependencies and the root).
const installScripts = ['preinstall', 'install', 'postinstall'];
const npmEnv = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', npm_config_loglevel: 'error' };

const tarballs = {};
const manifests = {};
const contents = {};

async function npmInstall(...specs) {
  await run('npm', ['install', ...specs], { cwd: app, env: npmEnv, maxBuffer: 16 << 20 });
}

/** Installed package folders, relative to the project (`node_modules/a`, `node_modules/a/node_modules/@s/b`, ...). */
function listPackages(nodeModules, out = []) {
  if (!existsSync(nodeModules)) return out;
  for (const entry of readdirSync(nodeModules)) {
    if (entry.startsWith('.')) continue;
    const dirs = entry.startsWith('@') ? readdirSync(join(nodeModules, entry)).map((e) => join(nodeModules, entry, e)) : [join(nodeModules, entry)];
    for (const dir of dirs) {
      if (!existsSync(join(dir, 'package.json'))) continue;
      out.push(relative(app, dir).split(sep).join('/'));
      listPackages(join(dir, 'node_modules'), out);
    }
  }
  return out;
}

/** Every installed package, every `.node` file, native build files, and the packages that would run a script on install. */
function installedTree() {
  const pkgs = listPackages(join(app, 'node_modules'));
  const files = readdirSync(join(app, 'node_modules'), { recursive: true }).map((f) => `node_modules/${String(f).split(sep).join('/')}`);
  const nativeFiles = files.filter((f) => f.endsWith('.node') && statSync(join(app, f)).isFile());
  const gypFiles = files.filter((f) => /(^|\/)(binding\.gyp|CMakeLists\.txt)$/.test(f));
  const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8'));
  const withInstallScript = Object.entries(lock.packages ?? {}).filter(([, p]) => p.hasInstallScript).map(([path]) => path);
  const scripted = pkgs.filter((dir) => {
    const manifest = JSON.parse(readFileSync(join(app, dir, 'package.json'), 'utf8'));
    return manifest.gypfile === true || installScripts.some((s) => manifest.scripts?.[s] !== undefined);
  });
  return { pkgs, nativeFiles, gypFiles, withInstallScript, scripted };
}

function assertNoBuildTools(tree) {
  for (const tool of buildTools) assert.ok(!tree.pkgs.some((p) => p.endsWith(`node_modules/${tool}`)), `${tool} is in the installed tree`);
  assert.deepEqual(tree.withInstallScript, [], 'packages with install scripts (package-lock hasInstallScript)');
  assert.deepEqual(tree.scripted, [], 'packages with preinstall/install/postinstall scripts or gypfile');
  assert.deepEqual(tree.gypFiles, [], 'native build files in the installed tree');
}

test('pnpm pack: every publishable package', async () => {
  // The list above is every public workspace package; bench stays private and out of changesets.
  const publishable = readdirSync(join(root, 'packages'))
    .filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')))
    .filter((dir) => JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')).private !== true);
  assert.deepEqual(publishable.sort(), [...names].sort(), 'publishable packages');
  assert.equal(JSON.parse(readFileSync(join(root, 'bench/package.json'), 'utf8')).private, true, 'bench must stay private');
  const changesets = JSON.parse(readFileSync(join(root, '.changeset/config.json'), 'utf8'));
  assert.deepEqual(changesets.ignore, ['@msal-mtls/bench'], 'changesets ignore bench');
  for (const name of names) {
    assert.ok(existsSync(join(root, 'packages', name, 'dist/index.js')), `packages/${name}/dist is missing: run \`pnpm run build\` first`);
  }
  const packed = await Promise.all(
    names.map((name) => run('pnpm', ['pack', '--pack-destination', work], { cwd: join(root, 'packages', name), maxBuffer: 16 << 20 })),
  );
  for (const [i, name] of names.entries()) {
    const tgz = packed[i].stdout.trim().split('\n').pop().trim();
    assert.ok(tgz.endsWith('.tgz') && existsSync(tgz), `pnpm pack of ${name} printed ${tgz}`);
    tarballs[name] = tgz;
    contents[name] = (await run('tar', ['-tzf', tgz])).stdout.trim().split('\n').map((f) => f.replace(/^package\//, ''));
    manifests[name] = JSON.parse((await run('tar', ['-xzf', tgz, '-O', 'package/package.json'])).stdout);
  }
});

for (const name of names) {
  test(`tarball and manifest of @msal-mtls/${name}`, () => {
    const m = manifests[name];
    const files = contents[name];
    const source = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'));
    assert.equal(m.name, `@msal-mtls/${name}`);
    assert.match(m.version, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
    assert.notEqual(m.private, true);
    assert.ok(typeof m.description === 'string' && m.description.length > 20, 'description');
    assert.equal(m.license, 'MIT');
    assert.equal(m.type, 'module');
    assert.equal(m.engines?.node, '>=20.19');
    assert.equal(m.repository?.type, 'git');
    assert.match(m.repository?.url ?? '', /^git\+https:\/\/.+\.git$/);
    assert.equal(m.repository?.directory, `packages/${name}`);
    assert.ok(Array.isArray(m.keywords) && m.keywords.length >= 3 && m.keywords.includes('mtls'), 'keywords');
    assert.ok(Array.isArray(m.files) && m.files.length > 0, 'files');
    assert.equal(m.exports?.['.']?.types, './dist/index.d.ts');
    assert.equal(m.exports?.['.']?.default, './dist/index.js');
    assert.equal(Object.keys(m.exports['.'])[0], 'types', "exports['.'].types must come first");
    assert.equal(m.exports?.['./package.json'], './package.json');
    assert.equal(m.types, './dist/index.d.ts');
    assert.equal(m.main, './dist/index.js');
    for (const target of [m.main, m.types, ...Object.values(m.bin ?? {})]) assert.ok(files.includes(target.replace(/^\.\//, '')), `${target} is in the tarball`);
    for (const bin of Object.values(m.bin ?? {})) {
      const text = readFileSync(join(root, 'packages', name, bin), 'utf8');
      assert.ok(text.startsWith('#!/usr/bin/env node\n'), `${bin} starts with a node shebang`);
    }
    for (const script of installScripts) assert.equal(m.scripts?.[script], undefined, `no ${script} script`);
    assert.notEqual(m.gypfile, true);

    // Dependencies: exactly the expected ones, workspace:/catalog: rewritten to real ranges.
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
      for (const [dep, spec] of Object.entries(m[field] ?? {})) assert.doesNotMatch(spec, /^(workspace|catalog|file|link):/, `${field}.${dep} = ${spec}`);
    }
    for (const field of ['dependencies', 'optionalDependencies']) {
      const expected = packages[name][field];
      assert.deepEqual(Object.keys(m[field] ?? {}).sort(), Object.keys(expected).sort(), `${field} of ${name}`);
      for (const [dep, kind] of Object.entries(expected)) {
        const spec = m[field][dep];
        if (kind === '^') assert.equal(spec, `^${manifests[dep.slice('@msal-mtls/'.length)].version}`, `${dep} range`);
        else assert.match(spec, /^\d+\.\d+\.\d+$/, `${dep} is pinned to an exact version (${spec})`);
        if (kind === '^') assert.match(source[field][dep], /^workspace:\^$/, `${dep} is workspace:^ in the source manifest`);
      }
    }

    // Contents: the built JavaScript and declarations of exactly the current sources, the README,
    // and for cng the loader and the prebuild. No sources, tests, maps or build info.
    const allowed = [/^package\.json$/, /^README\.md$/, /^CHANGELOG\.md$/, /^LICENSE(\.md)?$/, /^dist\/.+\.js$/, /^dist\/.+\.d\.ts$/];
    if (name === 'cng') allowed.push(/^load-binding\.c?js$/, /^load-binding\.d\.cts$/, /^prebuilds\/win32-x64\/[^/]+\.node$/);
    for (const file of files) assert.ok(allowed.some((re) => re.test(file)), `unexpected file in the ${name} tarball: ${file}`);
    assert.ok(files.includes('README.md'), 'README.md');
    const srcDir = join(root, 'packages', name, 'src');
    const sources = readdirSync(srcDir, { recursive: true }).map((f) => String(f).split(sep).join('/')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    const expectedJs = sources.map((f) => `dist/${f.replace(/\.ts$/, '.js')}`).sort();
    assert.deepEqual(files.filter((f) => f.endsWith('.js') && f.startsWith('dist/')).sort(), expectedJs, `dist/ of ${name} matches src/ (a stale or missing build?)`);
    assert.deepEqual(files.filter((f) => f.endsWith('.d.ts')).sort(), expectedJs.map((f) => f.replace(/\.js$/, '.d.ts')), `declarations of ${name}`);
    if (name === 'cng') {
      assert.ok(files.includes('load-binding.cjs') && files.includes('load-binding.d.cts'), 'load-binding.cjs and its types');
      const prebuilds = files.filter((f) => f.startsWith('prebuilds/'));
      if (prebuilds.length === 0 && skipWine) {
        console.log('# cng: no prebuilds/win32-x64/*.node (MSAL_MTLS_SKIP_WINE=1, scripts/build-cng.sh did not run); the prebuild check is skipped');
      } else {
        assert.deepEqual(prebuilds, ['prebuilds/win32-x64/@msal-mtls+cng.node'], 'the win32-x64 prebuild (run scripts/build-cng.sh)');
      }
    } else {
      assert.ok(!files.some((f) => f.endsWith('.node')), `no native file in ${name}`);
    }
  });
}

test('fresh project: @msal-mtls/core alone pulls no native code', async () => {
  rmSync(app, { recursive: true, force: true });
  await run('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'msal-mtls-pack-smoke', version: '0.0.0', private: true, type: 'module' }, null, 2));
  await npmInstall(tarballs.core);
  const tree = installedTree();
  assert.deepEqual(tree.pkgs, ['node_modules/@msal-mtls/core'], 'core installs alone (no dependencies)');
  assert.deepEqual(tree.nativeFiles, [], '.node files');
  assertNoBuildTools(tree);
  assert.ok(!tree.pkgs.some((p) => p.endsWith('/node-gyp-build')), 'node-gyp-build');
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', "const m = await import('@msal-mtls/core'); console.log(typeof m.ConfidentialClient, m.VERSION)"], { cwd: app });
  assert.equal(stdout.trim(), `function ${manifests.core.version}`);
});

test('fresh project: Path 1 against the emulator started from its tarball', async () => {
  await npmInstall(tarballs.emulator);
  assertNoBuildTools(installedTree());
  assert.deepEqual(installedTree().nativeFiles, [], '.node files');
  const clientId = '6a1f2b3c-0000-4000-8000-00000000c0de';
  const tenantId = '7b2e3d4f-0000-4000-8000-00000000face';
  // A client certificate made with the emulator's library export; then the emulator's own bin.
  await run(process.execPath, ['--input-type=module', '-e', `
    import { writeFileSync } from 'node:fs';
    import { createClientCertificate } from '@msal-mtls/emulator';
    const c = createClientCertificate({ commonName: 'pack-smoke' });
    writeFileSync('cert.pem', c.certPem); writeFileSync('key.pem', c.keyPem, { mode: 0o600 });
  `], { cwd: app });
  const emulator = spawn(join(app, 'node_modules/.bin/msal-mtls-emulator'), ['start', '--json', '--register', `${clientId}:${tenantId}:cert.pem`], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const info = await firstLine(emulator);
    writeFileSync(join(app, 'path1.mjs'), path1Script);
    const { stdout } = await run(process.execPath, ['path1.mjs'], {
      cwd: app,
      env: { ...process.env, CLIENT_ID: clientId, TENANT_ID: tenantId, CA_PATH: info.caPath, CONNECT_TO: info.connectTo.join(',') },
      timeout: 30_000,
    });
    const result = JSON.parse(stdout);
    assert.deepEqual(result.imports, ['@msal-mtls/core']);
    assert.equal(result.tokenType, 'mtls_pop');
    assert.deepEqual(result.sources, ['network', 'cache']);
    assert.equal(result.cnf, result.x5t, 'cnf["x5t#S256"] is the certificate thumbprint');
    assert.equal(result.tokenUrlHost, 'eastus.mtlsauth.microsoft.com');
    assert.equal(result.downstream, 200);
  } finally {
    emulator.kill('SIGTERM');
  }
});

test('fresh project: imds, cng and cli from their tarballs; cng loads off Windows; the CLI demo runs', async () => {
  await npmInstall(tarballs.imds, tarballs.cng, tarballs.cli);
  const tree = installedTree();
  const msal = tree.pkgs.filter((p) => p.includes('@msal-mtls/')).map((p) => p.replace(/^node_modules\//, '')).sort();
  assert.deepEqual(msal, names.map((n) => `@msal-mtls/${n}`).sort(), 'one copy of each package, all from the tarballs');
  for (const name of names) {
    const installed = JSON.parse(readFileSync(join(app, 'node_modules/@msal-mtls', name, 'package.json'), 'utf8'));
    assert.equal(installed.version, manifests[name].version);
  }
  assertNoBuildTools(tree);
  const expectedNative = contents.cng.filter((f) => f.endsWith('.node')).map((f) => `node_modules/@msal-mtls/cng/${f}`);
  assert.deepEqual(tree.nativeFiles, expectedNative, 'the only native files are the cng prebuild');
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', `
    import { createRequire } from 'node:module';
    const cng = await import('@msal-mtls/cng');
    const imds = await import('@msal-mtls/imds');
    const loadBinding = createRequire(import.meta.url)('./node_modules/@msal-mtls/cng/load-binding.cjs');
    let load;
    try { loadBinding(); load = 'loaded'; } catch (error) { load = error.message; }
    console.log(JSON.stringify({ supported: cng.isSupported(), reason: cng.unsupportedReason(), loader: typeof loadBinding, load, mi: typeof imds.ManagedIdentityClient }));
  `], { cwd: app });
  const loaded = JSON.parse(stdout);
  assert.equal(loaded.loader, 'function', 'load-binding.cjs exports the loader');
  if (process.platform !== 'win32') {
    assert.equal(loaded.supported, false);
    assert.match(loaded.reason, new RegExp(`${process.platform}-${process.arch}`));
    // node-gyp-build finds no prebuild for this platform and says so: nothing is ever compiled.
    assert.match(loaded.load, /No native build was found/);
  }
  assert.equal(loaded.mi, 'function');
  const version = await run(join(app, 'node_modules/.bin/msal-mtls'), ['--version'], { cwd: app });
  assert.equal(version.stdout.trim(), manifests.cli.version);
  const demo = await run(join(app, 'node_modules/.bin/msal-mtls'), ['demo'], { cwd: app, timeout: 30_000, maxBuffer: 16 << 20 });
  assert.match(demo.stdout, /Path 1/);
  assert.match(demo.stdout, /Path 2/);
});

/** The first stdout line of the emulator (its --json summary). */
function firstLine(child) {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`the emulator did not start in 15 s: ${err}`)), 15_000);
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
      const newline = out.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(JSON.parse(out.slice(0, newline)));
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => (err += chunk));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited with ${code}: ${err}`));
    });
  });
}

// Path 1 as an app writes it: @msal-mtls/core is its only import (besides node: built-ins).
const path1Script = `import { readFileSync } from 'node:fs';
import { ConfidentialClient, readCnfThumbprint, x5tS256 } from '@msal-mtls/core';

const client = new ConfidentialClient({
  clientId: process.env.CLIENT_ID,
  authority: 'https://login.microsoftonline.com/' + process.env.TENANT_ID,
  azureRegion: 'eastus',
  certificate: { certPem: readFileSync('cert.pem'), keyPem: readFileSync('key.pem') },
  ca: readFileSync(process.env.CA_PATH, 'utf8'),
  connectTo: process.env.CONNECT_TO.split(','),
});
const parameters = { scopes: ['https://graph.microsoft.com/.default'], mtlsProofOfPossession: true };
const first = await client.acquireToken(parameters);
const second = await client.acquireToken(parameters);
const transport = client.createMtlsTransport();
const response = await transport.request({
  method: 'GET',
  url: 'https://mtlstb.graph.microsoft.com/v1.0/me',
  headers: { authorization: 'mtls_pop ' + first.accessToken },
});
transport.close();
client.close();
const imports = [...readFileSync(new URL(import.meta.url), 'utf8').matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]).filter((s) => !s.startsWith('node:'));
console.log(JSON.stringify({
  imports,
  tokenType: first.tokenType,
  sources: [first.tokenSource, second.tokenSource],
  cnf: readCnfThumbprint(first.accessToken),
  x5t: x5tS256(first.bindingCertificate),
  tokenUrlHost: new URL(client.tokenUrl).host,
  downstream: response.status,
}));
`;
