import { invalidArgument, invalidValue } from '../errors/argument.js';

/** More scopes than any token request needs (Entra's client-credentials flow takes one resource's `/.default`). */
export const maxScopes = 256;
/** Longer than any resource URI; also keeps a request body far below the server's limits. */
export const maxScopeLength = 2048;

/**
 * Checks a scopes argument and returns its cache-key form: trimmed, lower-cased (Entra scopes are
 * case-insensitive), de-duplicated, sorted, space-joined. The common one-scope case makes no
 * array and no sort.
 */
export function scopesKey(scopes: unknown): string {
  if (!Array.isArray(scopes) || scopes.length === 0) throw invalidArgument('scopes', 'a non-empty array of strings', scopes);
  if (scopes.length > maxScopes) throw invalidValue('scopes', `has ${scopes.length} entries; at most ${maxScopes} are allowed (a client-credentials token is for one resource: pass ['<resource>/.default'])`);
  if (scopes.length === 1) return checkedScope(scopes[0], 0);
  const set = new Set<string>();
  for (let i = 0; i < scopes.length; i++) set.add(checkedScope(scopes[i], i));
  return [...set].sort().join(' ');
}

function checkedScope(scope: unknown, index: number): string {
  if (typeof scope !== 'string') throw invalidArgument(`scopes[${index}]`, 'a string', scope);
  const key = scope.trim().toLowerCase();
  if (key.length === 0 || /\s/.test(key)) throw invalidArgument(`scopes[${index}]`, 'a non-empty scope without spaces', scope);
  if (key.length > maxScopeLength) throw invalidValue(`scopes[${index}]`, `is ${key.length} characters long; at most ${maxScopeLength} are allowed`);
  return key;
}
