import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The per-user folder for persisted keys and binding certificates: `%LOCALAPPDATA%\msal-mtls` on
 * Windows, `$XDG_STATE_HOME/msal-mtls` or `~/.local/state/msal-mtls` elsewhere.
 */
export function defaultStoreDirectory(env: Readonly<Record<string, string | undefined>>, windows: boolean, home: string = homedir()): string {
  if (windows && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'msal-mtls');
  if (env.XDG_STATE_HOME) return join(env.XDG_STATE_HOME, 'msal-mtls');
  return join(home, '.local', 'state', 'msal-mtls');
}
