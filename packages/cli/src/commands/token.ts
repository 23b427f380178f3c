import { readFileSync } from 'node:fs';
import { ConfidentialClient, type CertificateInput } from '@msal-mtls/core';
import { commonTokenFlags, listFlag, optionalFlag, parseFlags, requiredFlag, UsageError } from '../args.js';
import { runTokenCommand, type Io } from '../output.js';

export const tokenUsage = `msal-mtls token --client-id ID --authority URL [--region R]
                (--cert PEM --key PEM [--passphrase P] | --pfx FILE [--passphrase P])
                --scope S [--scope S ...] [--connect-to H:P:H2:P2 ...] [--ca PEM] [--force-refresh] [--json]
  Gets an mTLS PoP token with a certificate (Path 1). --passphrase may also come from MSAL_MTLS_PASSPHRASE.`;

const flags = {
  'client-id': { type: 'string' },
  authority: { type: 'string' },
  region: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  pfx: { type: 'string' },
  passphrase: { type: 'string' },
  scope: { type: 'string', multiple: true },
  ...commonTokenFlags,
} as const;

/** `msal-mtls token`: one acquisition, printed as a summary or as JSON. Returns the exit code. */
export function tokenCommand(argv: readonly string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  return runTokenCommand(argv, io, async () => {
    const values = parseFlags(argv, flags);
    const scopes = listFlag(values, 'scope');
    if (scopes.length === 0) throw new UsageError('--scope is required.');
    const region = optionalFlag(values, 'region');
    const ca = optionalFlag(values, 'ca');
    const client = new ConfidentialClient({
      clientId: requiredFlag(values, 'client-id'),
      authority: requiredFlag(values, 'authority'),
      ...(region === undefined ? {} : { azureRegion: region }),
      certificate: certificateFromFlags(values, env),
      connectTo: listFlag(values, 'connect-to'),
      ...(ca === undefined ? {} : { ca: readFile(ca, '--ca').toString('utf8') }),
      ...(values.verbose === true ? { logger: { loggerCallback: (_l, line) => io.err(line), logLevel: 3 as const } } : {}),
    });
    const correlationId = optionalFlag(values, 'correlation-id');
    try {
      return await client.acquireToken({
        scopes,
        mtlsProofOfPossession: true,
        forceRefresh: values['force-refresh'] === true,
        ...(correlationId === undefined ? {} : { correlationId }),
      });
    } finally {
      client.close();
    }
  });
}

function certificateFromFlags(values: Record<string, unknown>, env: NodeJS.ProcessEnv): CertificateInput {
  const cert = optionalFlag(values, 'cert');
  const key = optionalFlag(values, 'key');
  const pfx = optionalFlag(values, 'pfx');
  const passphrase = optionalFlag(values, 'passphrase') ?? env.MSAL_MTLS_PASSPHRASE;
  if (pfx !== undefined) {
    if (cert !== undefined || key !== undefined) throw new UsageError('Give either --pfx or --cert and --key, not both.');
    return { pfx: readFile(pfx, '--pfx'), ...(passphrase === undefined ? {} : { passphrase }) };
  }
  if (cert === undefined || key === undefined) throw new UsageError('A certificate is required: --cert PEM --key PEM, or --pfx FILE.');
  return { certPem: readFile(cert, '--cert'), keyPem: readFile(key, '--key'), ...(passphrase === undefined ? {} : { passphrase }) };
}

function readFile(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'cannot be read'}.`);
  }
}
