import type { AcquireTokenResult } from '@msal-mtls/core';
import { decodeJwtClaims, isMtlsError, x5tS256 } from '@msal-mtls/core';

/** Where the CLI writes; a seam so tests and the demo capture output without a child process. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** stderr is a terminal: progress is one line rewritten in place (through errWrite) instead of a line per step. */
  errTty?: boolean;
  /** Writes to stderr as is (no newline added): the rewritten progress line. */
  errWrite?(text: string): void;
  /** All of standard input as text (`msal-mtls decode -`). */
  readStdin?(): Promise<string>;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  errTty: process.stderr.isTTY === true,
  errWrite: (text) => process.stderr.write(text),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

/** The `--json` shape of a token result. Field names are a contract for scripts. */
export function tokenJson(result: AcquireTokenResult): Record<string, unknown> {
  return {
    accessToken: result.accessToken,
    tokenType: result.tokenType,
    expiresOn: result.expiresOn.toISOString(),
    refreshOn: result.refreshOn?.toISOString() ?? null,
    tokenSource: result.tokenSource,
    scopes: result.scopes,
    bindingCertificateThumbprint: x5tS256(result.bindingCertificate),
    correlationId: result.correlationId,
  };
}

/** A summary for people: never the token itself, only what it says about itself. */
export function tokenSummary(result: AcquireTokenResult): string[] {
  const claims = decodeJwtClaims(result.accessToken);
  const cnf = (claims?.cnf as Record<string, unknown> | undefined)?.['x5t#S256'];
  return [
    `token source:   ${result.tokenSource}`,
    `token type:     ${result.tokenType}`,
    `expires on:     ${result.expiresOn.toISOString()}`,
    ...(result.refreshOn ? [`refresh on:     ${result.refreshOn.toISOString()}`] : []),
    `cnf x5t#S256:   ${typeof cnf === 'string' ? cnf : '(opaque token)'}`,
    `binding cert:   ${x5tS256(result.bindingCertificate)}`,
    ...(typeof claims?.aud === 'string' ? [`aud:            ${claims.aud}`] : []),
    `correlation id: ${result.correlationId}`,
  ];
}

/** Error contract: exit 1; `CODE: message` on stderr; with --json also `{ error, message }` on stdout. */
export function reportError(io: Io, error: unknown, json: boolean): number {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  io.err(`${code}: ${message}`);
  if (json) {
    const extra: Record<string, unknown> = {};
    if (isMtlsError(error)) {
      // `error` is the contract's code; the server's OAuth `error` travels as `oauthError`.
      const fields = error as unknown as Record<string, unknown>;
      for (const [from, to] of [['status', 'status'], ['error', 'oauthError'], ['errorDescription', 'errorDescription'], ['errorCodes', 'errorCodes'], ['correlationId', 'correlationId']] as const) {
        if (fields[from] !== undefined) extra[to] = fields[from];
      }
    }
    io.out(JSON.stringify({ ...extra, error: code, message }));
  }
  return 1;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^ERR_(MTLS|IMDS|CNG)_/.test(code) ? code : 'ERR_MTLS_INTERNAL';
}

/** The skeleton of every token command: acquire, print a summary or `--json`, map errors to exit 1. */
export async function runTokenCommand(argv: readonly string[], io: Io, acquire: () => Promise<AcquireTokenResult>): Promise<number> {
  const json = argv.includes('--json');
  try {
    const result = await acquire();
    if (json) io.out(JSON.stringify(tokenJson(result)));
    else for (const line of tokenSummary(result)) io.out(line);
    return 0;
  } catch (error) {
    return reportError(io, error, json);
  }
}
