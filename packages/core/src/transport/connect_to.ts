import { invalidArgument } from '../errors/argument.js';

/** One `HOST:PORT:CONNECT_HOST:CONNECT_PORT` rule; an empty field matches / keeps anything. */
export interface ConnectToRule {
  host: string;
  port: string;
  connectHost: string;
  connectPort: string;
}

/** Where to dial for a URL's host and port, and the name to keep for SNI and certificate checks. */
export interface DialTarget {
  host: string;
  port: number;
}

// Each field is a bracketed IPv6 literal or a run without ':'; all four may be empty (curl's meaning).
const field = String.raw`(\[[0-9A-Fa-f:.]+\]|[^:\[\]]*)`;
const rulePattern = new RegExp(`^${field}:${field}:${field}:${field}$`);

/**
 * Parses connect-to rules with curl's `--connect-to` meaning: requests for HOST:PORT dial
 * CONNECT_HOST:CONNECT_PORT instead, while SNI, the Host header and the server certificate check
 * keep HOST. An empty HOST or PORT matches any; an empty CONNECT_HOST or CONNECT_PORT keeps the
 * original. This is how the emulator is reached without turning any check off.
 * @see https://curl.se/docs/manpage.html#--connect-to
 */
export function parseConnectTo(value: unknown): ConnectToRule[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidArgument('connectTo', 'an array of "HOST:PORT:CONNECT_HOST:CONNECT_PORT" strings', value);
  return value.map((entry: unknown, index: number) => {
    const match = typeof entry === 'string' ? rulePattern.exec(entry.trim()) : null;
    if (match === null) {
      throw invalidArgument(`connectTo[${index}]`, 'of the form "HOST:PORT:CONNECT_HOST:CONNECT_PORT"', entry);
    }
    const [, host = '', port = '', connectHost = '', connectPort = ''] = match;
    for (const p of [port, connectPort]) {
      if (p !== '' && !(/^\d{1,5}$/.test(p) && Number(p) <= 65535)) {
        throw invalidArgument(`connectTo[${index}]`, 'to have ports between 0 and 65535', entry);
      }
    }
    return { host: unbracket(host).toLowerCase(), port, connectHost: unbracket(connectHost), connectPort };
  });
}

/** The address to dial for `host:port`: the first matching rule wins, as in curl. */
export function resolveDialTarget(rules: readonly ConnectToRule[], host: string, port: number): DialTarget {
  for (const rule of rules) {
    if ((rule.host === '' || rule.host === host) && (rule.port === '' || Number(rule.port) === port)) {
      return {
        host: rule.connectHost === '' ? host : rule.connectHost,
        port: rule.connectPort === '' ? port : Number(rule.connectPort),
      };
    }
  }
  return { host, port };
}

function unbracket(value: string): string {
  return value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
}
