import { chmod, link, lstat, mkdir, open, readFile, rm, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { MtlsError } from '@msal-mtls/core';

/**
 * The per-user key store: one folder, mode 0700, holding 0600 PEM files. A file or folder that
 * others can read, or that another user owns, is refused rather than used: a binding key that
 * leaked is a token that can be replayed.
 */
const isPosix = process.platform !== 'win32';

export async function readPrivateKeyFile(directory: string, name: string): Promise<string | undefined> {
  const path = keyPath(directory, name);
  let stats;
  try {
    stats = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw storeError(`cannot read ${path}`, error);
  }
  if (!stats.isFile()) throw storeError(`${path} is not a regular file`);
  if (isPosix && (stats.mode & 0o077) !== 0) throw storeError(`${path} is readable by other users (mode ${(stats.mode & 0o777).toString(8)}); expected 600`);
  if (isPosix && typeof process.getuid === 'function' && stats.uid !== process.getuid()) throw storeError(`${path} belongs to another user`);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw storeError(`cannot read ${path}`, error);
  }
}

/**
 * Writes the key unless one already exists, atomically: a temporary 0600 file hard-linked to the
 * final name (link fails if the name exists). Returns what is stored: ours, or the winner's.
 */
export async function writePrivateKeyFileOnce(directory: string, name: string, pem: string): Promise<string> {
  await ensurePrivateDirectory(directory);
  const path = keyPath(directory, name);
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(pem, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(temporary, path);
      return pem;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const winner = await readPrivateKeyFile(directory, name);
      if (winner === undefined) throw error;
      return winner;
    }
  } catch (error) {
    if (error instanceof MtlsError) throw error;
    throw storeError(`cannot write ${path}`, error);
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

export async function deleteKeyFile(directory: string, name: string): Promise<void> {
  await rm(keyPath(directory, name), { force: true });
}

export async function ensurePrivateDirectory(directory: string): Promise<void> {
  try {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    const stats = await lstat(directory);
    if (!stats.isDirectory()) throw storeError(`${directory} is not a directory`);
    if (isPosix && typeof process.getuid === 'function' && stats.uid !== process.getuid()) throw storeError(`${directory} belongs to another user`);
    if (isPosix && (stats.mode & 0o077) !== 0) await chmod(directory, 0o700);
  } catch (error) {
    if (error instanceof MtlsError) throw error;
    throw storeError(`cannot create ${directory}`, error);
  }
}

function keyPath(directory: string, name: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw storeError(`invalid key name '${name}'`);
  return join(directory, `${name}.pem`);
}

function storeError(detail: string, cause?: unknown): MtlsError {
  return new MtlsError('ERR_IMDS_KEY_STORE', { message: `The binding key store failed: ${detail}.`, ...(cause === undefined ? {} : { cause }) });
}
