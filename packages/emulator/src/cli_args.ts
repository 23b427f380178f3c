import { parseArgs } from 'node:util';

/** `--register CLIENT_ID:TENANT_ID:CERT.pem`. */
export interface CliRegistration {
  clientId: string;
  tenantId: string;
  certPath: string;
}

/** A parsed command line. */
export type CliCommand =
  | { command: 'help' }
  | { command: 'start'; host?: string; port?: number; caDir?: string; register: CliRegistration[]; json: boolean };

export const USAGE: string = `Usage: msal-mtls-emulator start [--port N] [--host H] [--ca-dir DIR]
                                [--register CLIENT_ID:TENANT_ID:CERT.pem ...] [--json]

Starts the Entra mTLS token endpoint, JWKS and an RFC 8705 resource on one HTTPS port, and
IMDSv2 (getplatformmetadata, issuecredential) over plain HTTP on another port (its URL is printed).
Point clients at it with --connect-to (printed) and trust the printed CA; runs until Ctrl+C.
`;

/** Parses argv (without node and script). Throws a TypeError with a usage hint on bad input. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    throw new TypeError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (values.help || command === 'help' || command === undefined) return { command: 'help' };
  if (command !== 'start') throw new TypeError(`unknown command '${command}'\n\n${USAGE}`);
  if (extra.length > 0) throw new TypeError(`unexpected argument '${extra[0]}'\n\n${USAGE}`);
  const result: CliCommand = { command: 'start', register: (values.register ?? []).map(parseRegistration), json: values.json === true };
  if (values.port !== undefined) {
    if (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65535) throw new TypeError(`--port must be 0-65535, got '${values.port}'`);
    result.port = Number(values.port);
  }
  if (values.host !== undefined) result.host = values.host;
  if (values['ca-dir'] !== undefined) result.caDir = values['ca-dir'];
  return result;
}

function parseOptions(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'ca-dir': { type: 'string' },
      register: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

function parseRegistration(value: string): CliRegistration {
  // The path is everything after the second ':' so Windows paths (C:\…) keep their drive letter.
  const first = value.indexOf(':');
  const second = first < 0 ? -1 : value.indexOf(':', first + 1);
  const clientId = value.slice(0, first);
  const tenantId = value.slice(first + 1, second);
  const certPath = value.slice(second + 1);
  if (second < 0 || clientId === '' || tenantId === '' || certPath === '') {
    throw new TypeError(`--register expects CLIENT_ID:TENANT_ID:CERT.pem, got '${value}'`);
  }
  return { clientId, tenantId, certPath };
}
