import { MtlsError, x5tS256 } from '@msal-mtls/core';
import { parseFlagsAndOperands, optionalFlag, UsageError } from '../args.js';
import { reportError, type Io } from '../output.js';
import { readCertificateFile } from './certificate_file.js';

export const decodeUsage = `msal-mtls decode <token | -> [--cert PEM] [--json]
  Prints an access token's header and claims as JSON (- reads the token from stdin; an
  "mtls_pop " or "Bearer " prefix is accepted). The signature is NOT verified: this shows what the
  token says, not that it is genuine. With --cert, checks cnf["x5t#S256"] against the certificate:
  exit 1 with ERR_MTLS_BINDING_MISMATCH when the token is not bound to it. Prefer -: a token given as
  an argument is visible to other processes and kept in shell history.`;

const flags = {
  cert: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** `msal-mtls decode`: the token's own view of itself. Never prints the token or its signature. */
export async function decodeCommand(argv: readonly string[], io: Io): Promise<number> {
  const json = argv.includes('--json');
  try {
    const { values, operands } = parseFlagsAndOperands(argv, flags, 1);
    const [operand] = operands;
    if (operand === undefined) throw new UsageError('Give the token to decode, or - to read it from stdin.');
    let text = operand;
    if (operand === '-') {
      if (io.readStdin === undefined) throw new UsageError('Standard input cannot be read here.');
      text = await io.readStdin();
    }
    const { header, claims } = decodeJwt(text);
    const out: Record<string, unknown> = { header, claims, signatureVerified: false };
    const certPath = optionalFlag(values, 'cert');
    if (certPath !== undefined) {
      const certificate = readCertificateFile(certPath, '--cert');
      const expected = x5tS256(certificate);
      const cnf = claims.cnf;
      const bound = typeof cnf === 'object' && cnf !== null ? (cnf as Record<string, unknown>)['x5t#S256'] : undefined;
      if (typeof bound !== 'string') {
        throw new MtlsError('ERR_MTLS_BINDING_MISMATCH', { message: `The token has no cnf["x5t#S256"] claim, so it is not bound to the certificate ${expected} (it is not an mTLS PoP token).` });
      }
      if (bound !== expected) {
        throw new MtlsError('ERR_MTLS_BINDING_MISMATCH', { message: `The token is bound to the certificate ${bound}, not to ${certPath} (${expected}).` });
      }
      out.binding = { certificateX5tS256: expected, matches: true };
    }
    if (json) {
      io.out(JSON.stringify(out));
    } else {
      io.out(JSON.stringify(out, null, 2));
      io.err('note: the signature was not verified; this shows what the token claims, not that it is genuine.');
    }
    return 0;
  } catch (error) {
    return reportError(io, error, json);
  }
}

/** Header and claims of a compact JWS; anything else is a usage error that does not echo the input. */
function decodeJwt(input: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const token = input.trim().replace(/^(mtls_pop|bearer|pop)\s+/i, '');
  const parts = token.split('.');
  const header = parts.length === 3 ? segment(parts[0]!) : undefined;
  const claims = parts.length === 3 ? segment(parts[1]!) : undefined;
  if (header === undefined || claims === undefined) {
    throw new UsageError('The token is not a JWT (three base64url parts, the first two JSON objects); opaque or encrypted tokens cannot be decoded.');
  }
  return { header, claims };
}

function segment(part: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
