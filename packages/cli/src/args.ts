import { parseArgs } from 'node:util';

/** A usage mistake on the command line: exit 1 with ERR_MTLS_INVALID_ARGUMENT, like any misuse. */
export class UsageError extends Error {
  readonly code = 'ERR_MTLS_INVALID_ARGUMENT';
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

/** Strict parsing: unknown flags and stray positionals are usage errors, not silently ignored. */
export function parseFlags<T extends OptionSpec>(argv: readonly string[], options: T): Record<string, string | string[] | boolean | undefined> {
  try {
    const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
    return values as Record<string, string | string[] | boolean | undefined>;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** As parseFlags, for commands that take operands (`decode <token>`): at most `maxPositionals` of them. */
export function parseFlagsAndOperands<T extends OptionSpec>(argv: readonly string[], options: T, maxPositionals: number): { values: Record<string, string | string[] | boolean | undefined>; operands: string[] } {
  let parsed: { values: unknown; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  // The operand is not echoed: it may be a token.
  if (parsed.positionals.length > maxPositionals) throw new UsageError(`Too many arguments: ${parsed.positionals.length} given, at most ${maxPositionals} expected.`);
  return { values: parsed.values as Record<string, string | string[] | boolean | undefined>, operands: parsed.positionals };
}

export function requiredFlag(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.length === 0) throw new UsageError(`--${name} is required.`);
  return value;
}

export function optionalFlag(values: Record<string, unknown>, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function listFlag(values: Record<string, unknown>, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? (value as string[]) : typeof value === 'string' ? [value] : [];
}

/** Flags every token command takes (`token`, `mi-token`): transport, output and request options. */
export const commonTokenFlags = {
  'connect-to': { type: 'string', multiple: true },
  ca: { type: 'string' },
  'correlation-id': { type: 'string' },
  'force-refresh': { type: 'boolean' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
} as const;
