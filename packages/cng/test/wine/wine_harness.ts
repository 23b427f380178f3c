import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Repository root, package root and the Wine-side scripts folder (Linux paths). */
export const repoRoot: string = resolve(__dirname, '../../../..');
export const packageRoot: string = resolve(__dirname, '../..');
export const scriptsDir: string = resolve(__dirname, '../wine-scripts');

/**
 * Whether the Wine tests can run here: scripts/ensure-wine.sh has made the prefix and fetched
 * node.exe, and scripts/build-cng.sh has built the prebuild. CI always has both (scripts/test.sh);
 * on a machine without them set MSAL_MTLS_SKIP_WINE=1 to skip instead of failing.
 */
export function wineAvailable(): boolean {
  if (process.env.MSAL_MTLS_SKIP_WINE === '1') return false;
  return true;
}

/**
 * True when these tests drive Wine from Linux; false on a real Windows runner, where the same
 * scripts run under this very node.exe (.github/workflows/windows.yml) and Windows answers for
 * itself (persisted keys, NCrypt-key Schannel) instead of Wine's stubs.
 */
export const underWine: boolean = process.platform !== 'win32';

/** A Linux path as the Windows node.exe under Wine sees it (Wine maps Z: to /); unchanged on Windows. */
export function winPath(linuxPath: string): string {
  return underWine ? `Z:${linuxPath.replace(/\//g, '\\')}` : linuxPath;
}

export interface WineRun<T> {
  /** node.exe's exit status. */
  status: number;
  /** Everything node.exe and Wine printed (for failure messages). */
  output: string;
  /** What the script wrote with `writeResult` (parsed JSON), or undefined if it wrote nothing. */
  result: T | undefined;
}

/**
 * Runs `wine-scripts/<script>` under the pinned Windows node.exe. The script gets the path of a
 * result file in `process.env.WINE_RESULT` (Windows form) and the given JSON input in
 * `process.env.WINE_INPUT`; it writes its JSON answer there (see wine-scripts/result.cjs).
 */
export function runUnderWine<T = unknown>(script: string, input: unknown = {}, timeoutMs = 60_000): Promise<WineRun<T>> {
  const scratch = mkdtempSync(join(tmpdir(), 'cng-wine-'));
  const resultFile = join(scratch, 'result.json');
  const inputFile = join(scratch, 'input.json');
  writeFileSync(inputFile, JSON.stringify(input));
  return new Promise((resolvePromise, reject) => {
    const command = underWine ? 'bash' : process.execPath;
    const args = underWine ? [join(repoRoot, 'scripts/wine-node.sh'), winPath(join(scriptsDir, script))] : [join(scriptsDir, script)];
    const child = spawn(command, args, {
      cwd: scratch,
      env: {
        ...process.env,
        WINE_RESULT: winPath(resultFile),
        WINE_INPUT: winPath(inputFile),
        // Windows node.exe under Wine does not resolve pnpm's symlinks to their real folders, so a
        // package cannot find its own dependencies beside it; pnpm's hoisted folder has them all.
        ...(underWine ? { NODE_PATH: winPath(join(repoRoot, 'node_modules/.pnpm/node_modules')) } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const result = existsSync(resultFile) ? (JSON.parse(readFileSync(resultFile, 'utf8')) as T) : undefined;
      rmSync(scratch, { recursive: true, force: true });
      resolvePromise({ status: code ?? -1, output, result });
    });
  });
}
