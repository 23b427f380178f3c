import { invalidArgument } from '../errors/argument.js';

/** The `ca` option: one PEM text (may hold several certificates) or a list of them. */
export function readCaOption(value: unknown): readonly string[] {
  if (value === undefined) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((v) => typeof v === 'string' && v.includes('-----BEGIN CERTIFICATE-----'))) {
    throw invalidArgument('ca', 'PEM certificate text or an array of PEM texts', value);
  }
  return list as string[];
}
