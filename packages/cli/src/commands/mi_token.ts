import { readFileSync } from 'node:fs';
import { ManagedIdentityClient, type KeyProtection, type ManagedIdentityId } from '@msal-mtls/imds';
import { commonTokenFlags, listFlag, optionalFlag, parseFlags, requiredFlag, UsageError } from '../args.js';
import { runTokenCommand, type Io } from '../output.js';
import { createProgress } from '../progress.js';

export const miTokenUsage = `msal-mtls mi-token --resource R [--client-id ID | --object-id ID | --resource-id ID] [--attestation]
                   [--min-key-protection keyguard|software|in-memory] [--imds URL] [--persist]
                   [--connect-to H:P:H2:P2 ...] [--ca PEM] [--force-refresh] [--json] [--verbose]
  Gets an mTLS PoP token for the VM's managed identity over IMDSv2 (Path 2). Each step of a cold flow
  (key, metadata, attestation, csr, issuance, token) shows on stderr with its time: one updating line
  on a terminal, else a line per step ("step: metadata 12 ms"). --verbose adds the log lines.`;

const flags = {
  resource: { type: 'string' },
  'client-id': { type: 'string' },
  'object-id': { type: 'string' },
  'resource-id': { type: 'string' },
  attestation: { type: 'boolean' },
  'min-key-protection': { type: 'string' },
  imds: { type: 'string' },
  persist: { type: 'boolean' },
  ...commonTokenFlags,
} as const;

/** `msal-mtls mi-token`: the same output and error contract as `msal-mtls token`. */
export function miTokenCommand(argv: readonly string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  return runTokenCommand(argv, io, async () => {
    const values = parseFlags(argv, flags);
    const resource = requiredFlag(values, 'resource');
    const imds = optionalFlag(values, 'imds');
    const ca = optionalFlag(values, 'ca');
    const floor = optionalFlag(values, 'min-key-protection');
    const verbose = values.verbose === true;
    const progress = createProgress(io);
    const client = new ManagedIdentityClient({
      ...(imds === undefined ? {} : { imdsEndpoint: imds }),
      ...(floor === undefined ? {} : { minimumKeyProtection: floor as KeyProtection }),
      ...(ca === undefined ? {} : { ca: readCa(ca) }),
      connectTo: listFlag(values, 'connect-to'),
      // Without --persist, the platform default: on Windows with @msal-mtls/cng, the certificate
      // store shared with MSAL.NET (as MSAL.NET does); elsewhere nothing is written.
      ...(values.persist === true ? { persistence: true } : {}),
      env,
      ...(verbose ? { logger: { loggerCallback: (_l, line) => progress.line(line), logLevel: 3 as const } } : {}),
    });
    const identity = identityFromFlags(values);
    const correlationId = optionalFlag(values, 'correlation-id');
    let ok = false;
    try {
      const result = await client.acquireToken({
        resource,
        ...(identity === undefined ? {} : { identity }),
        attestation: values.attestation === true,
        forceRefresh: values['force-refresh'] === true,
        ...(correlationId === undefined ? {} : { correlationId }),
        onStep: (step) => progress.step(step),
      });
      ok = true;
      return result;
    } finally {
      progress.finish(ok);
      client.close();
    }
  });
}

function identityFromFlags(values: Record<string, unknown>): ManagedIdentityId | undefined {
  const given: ManagedIdentityId[] = [];
  const clientId = optionalFlag(values, 'client-id');
  const objectId = optionalFlag(values, 'object-id');
  const resourceId = optionalFlag(values, 'resource-id');
  if (clientId !== undefined) given.push({ clientId });
  if (objectId !== undefined) given.push({ objectId });
  if (resourceId !== undefined) given.push({ resourceId });
  if (given.length > 1) throw new UsageError('Give at most one of --client-id, --object-id, --resource-id.');
  return given[0];
}

function readCa(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--ca ${path}: ${(error as NodeJS.ErrnoException).code ?? 'cannot be read'}.`);
  }
}
