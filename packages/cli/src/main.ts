import { tokenCommand, tokenUsage } from './commands/token.js';
import { demoCommand, demoUsage } from './commands/demo.js';
import { miTokenCommand, miTokenUsage } from './commands/mi_token.js';
import { decodeCommand, decodeUsage } from './commands/decode.js';
import { certCommand, certShowUsage } from './commands/cert_show.js';
import { UsageError } from './args.js';
import { processIo, reportError, type Io } from './output.js';

const VERSION = '0.1.0';

const usage = `msal-mtls ${VERSION}: Microsoft Entra mTLS Proof-of-Possession tokens from the command line.

${tokenUsage}

${miTokenUsage}

${demoUsage}

${decodeUsage}

${certShowUsage}

--verbose (token, mi-token) prints the log lines on stderr, each with its correlation id; never a
token, a key or a certificate.

Errors: exit code 1; "CODE: message" on stderr (its last line); with --json also {"error": CODE, "message": ...} on stdout.`;

/** Runs one command line; returns the exit code (never calls process.exit, so it is testable in-process). */
export async function main(argv: readonly string[], io: Io = processIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'token':
      return tokenCommand(rest, io, env);
    case 'mi-token':
      return miTokenCommand(rest, io, env);
    case 'demo':
      return demoCommand(rest, io);
    case 'decode':
      return decodeCommand(rest, io);
    case 'cert':
      return certCommand(rest, io, env);
    case '--version':
    case 'version':
      io.out(VERSION);
      return 0;
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      io.out(usage);
      return 0;
    default:
      // The error contract of every command, --json included.
      return reportError(io, new UsageError(`unknown command '${command}'. Run msal-mtls --help.`), rest.includes('--json'));
  }
}
