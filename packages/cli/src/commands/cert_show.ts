import type { X509Certificate } from 'node:crypto';
import { MtlsError, x5tS256 } from '@msal-mtls/core';
import { ManagedIdentityClient, type KeyProtection, type ManagedIdentityId } from '@msal-mtls/imds';
import { optionalFlag, parseFlagsAndOperands, UsageError } from '../args.js';
import { reportError, type Io } from '../output.js';
import { readCertificateFile } from './certificate_file.js';

export const certShowUsage = `msal-mtls cert show <PEM file> [--json]
msal-mtls cert show --mi [--client-id ID | --object-id ID | --resource-id ID] [--attestation]
                    [--min-key-protection keyguard|software|in-memory] [--json]
  Shows a certificate: subject, issuer, validity (and time left), SHA-1 and x5t#S256 thumbprints,
  key type and size. With --mi, the managed identity's binding certificate persisted by
  mi-token --persist (no IMDS request; ERR_IMDS_NO_BINDING_CERTIFICATE when there is none).`;

const flags = {
  mi: { type: 'boolean' },
  'client-id': { type: 'string' },
  'object-id': { type: 'string' },
  'resource-id': { type: 'string' },
  attestation: { type: 'boolean' },
  'min-key-protection': { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** `msal-mtls cert show`: what a certificate is and how long it has left. Never prints the certificate itself. */
export async function certCommand(argv: readonly string[], io: Io, env: NodeJS.ProcessEnv, now: () => number = Date.now): Promise<number> {
  const [sub, ...rest] = argv;
  const json = argv.includes('--json');
  try {
    if (sub !== 'show') throw new UsageError(`unknown cert command '${sub ?? ''}'. Run msal-mtls --help.`);
    const { values, operands } = parseFlagsAndOperands(rest, flags, 1);
    const [file] = operands;
    const mi = values.mi === true;
    if (mi === (file !== undefined)) throw new UsageError('Give either a PEM file or --mi.');
    if (!mi && ['client-id', 'object-id', 'resource-id', 'attestation', 'min-key-protection'].some((f) => values[f] !== undefined)) {
      throw new UsageError('--client-id, --object-id, --resource-id, --attestation and --min-key-protection go with --mi.');
    }
    const certificate = file !== undefined ? readCertificateFile(file, 'cert show') : await persistedBindingCertificate(values, env);
    const info = describeCertificate(certificate, now());
    if (json) io.out(JSON.stringify(info));
    else for (const line of certificateLines(info)) io.out(line);
    return 0;
  } catch (error) {
    return reportError(io, error, json);
  }
}

async function persistedBindingCertificate(values: Record<string, unknown>, env: NodeJS.ProcessEnv): Promise<X509Certificate> {
  const floor = optionalFlag(values, 'min-key-protection');
  const identity = identityFromFlags(values);
  const client = new ManagedIdentityClient({ persistence: true, env, ...(floor === undefined ? {} : { minimumKeyProtection: floor as KeyProtection }) });
  try {
    const certificate = await client.getBindingCertificate({ ...(identity === undefined ? {} : { identity }), attestation: values.attestation === true });
    if (certificate === undefined) {
      throw new MtlsError('ERR_IMDS_NO_BINDING_CERTIFICATE', { message: `No binding certificate is persisted for the ${identity === undefined ? 'system-assigned' : 'given user-assigned'} identity${values.attestation === true ? ' with attestation' : ''}.` });
    }
    return certificate;
  } finally {
    client.close();
  }
}

function identityFromFlags(values: Record<string, unknown>): ManagedIdentityId | undefined {
  const given: ManagedIdentityId[] = [];
  for (const [flag, key] of [['client-id', 'clientId'], ['object-id', 'objectId'], ['resource-id', 'resourceId']] as const) {
    const value = optionalFlag(values, flag);
    if (value !== undefined) given.push({ [key]: value } as ManagedIdentityId);
  }
  if (given.length > 1) throw new UsageError('Give at most one of --client-id, --object-id, --resource-id.');
  return given[0];
}

/** The `--json` shape of `cert show`. Field names are a contract for scripts. */
export interface CertificateInfo {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  /** Seconds until notAfter (negative once expired). */
  remainingSeconds: number;
  expired: boolean;
  /** SHA-1 of the DER, upper-case hex without separators (the Windows "thumbprint"). */
  sha1Thumbprint: string;
  /** base64url SHA-256 of the DER: what cnf["x5t#S256"] of a bound token holds. */
  x5tS256: string;
  keyType: string;
  /** Bits: the RSA modulus, or the curve size. */
  keySize: number | null;
  curve: string | null;
}

const curveBits: Readonly<Record<string, number>> = { prime256v1: 256, secp256k1: 256, secp384r1: 384, secp521r1: 521 };

export function describeCertificate(certificate: X509Certificate, nowMs: number): CertificateInfo {
  const notAfter = new Date(certificate.validTo);
  const key = certificate.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const type = key.asymmetricKeyType ?? 'unknown';
  const curve = details.namedCurve ?? null;
  const remainingSeconds = Math.floor((notAfter.getTime() - nowMs) / 1000);
  return {
    subject: certificate.subject.split('\n').join(', '),
    issuer: certificate.issuer.split('\n').join(', '),
    serialNumber: certificate.serialNumber,
    notBefore: new Date(certificate.validFrom).toISOString(),
    notAfter: notAfter.toISOString(),
    remainingSeconds,
    expired: remainingSeconds <= 0,
    sha1Thumbprint: certificate.fingerprint.replace(/:/g, '').toUpperCase(),
    x5tS256: x5tS256(certificate),
    keyType: type.toUpperCase(),
    keySize: details.modulusLength ?? (curve === null ? (type === 'ed25519' ? 256 : type === 'ed448' ? 456 : null) : (curveBits[curve] ?? null)),
    curve,
  };
}

function certificateLines(info: CertificateInfo): string[] {
  return [
    `subject:     ${info.subject}`,
    `issuer:      ${info.issuer}`,
    `serial:      ${info.serialNumber}`,
    `not before:  ${info.notBefore}`,
    `not after:   ${info.notAfter}`,
    `remaining:   ${info.expired ? `expired ${duration(-info.remainingSeconds)} ago` : duration(info.remainingSeconds)}`,
    `SHA-1:       ${info.sha1Thumbprint}`,
    `x5t#S256:    ${info.x5tS256}`,
    `key:         ${info.keyType}${info.curve === null ? '' : ` ${info.curve}`}${info.keySize === null ? '' : ` ${info.keySize} bits`}`,
  ];
}

/** 90061 → "1d 1h", 172801 → "2d 0h": the largest unit and the next, for reading at a glance. */
function duration(seconds: number): string {
  const units: Array<[string, number]> = [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]];
  const left = Math.max(0, Math.floor(seconds));
  const first = units.findIndex(([, size]) => left >= size);
  if (first === -1) return '0s';
  const [bigName, bigSize] = units[first]!;
  const next = units[first + 1];
  const big = Math.floor(left / bigSize);
  return next === undefined ? `${big}${bigName}` : `${big}${bigName} ${Math.floor((left - big * bigSize) / next[1])}${next[0]}`;
}
