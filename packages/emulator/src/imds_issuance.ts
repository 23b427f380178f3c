import { generateKeyPairSync } from 'node:crypto';
import type { CertificateAuthority } from './ca.js';
import { verifyCsr } from './csr_verification.js';
import type { ImdsFaultSet } from './imds_faults.js';
import type { SelectedIdentity } from './imds_identities.js';
import type { ImdsConfig } from './imds_options.js';
import type { ImdsIssuedCertificate, ImdsStats } from './imds_records.js';

/** What issuance needs from the IMDS listener. */
export interface IssuanceContext {
  config: ImdsConfig;
  ca: CertificateAuthority;
  faults: ImdsFaultSet;
  issued: ImdsIssuedCertificate[];
  stats: ImdsStats;
  /** Epoch milliseconds (the emulator's `now` option). */
  now(): number;
}

/** The status and JSON body to answer. */
export interface IssuanceOutcome {
  status: number;
  body: Record<string, unknown>;
}

/** Spec §5.2: the 400 body IMDS sends when attestation is required but the token is absent. */
export const ATTESTATION_MISSING_DESCRIPTION = 'Attestation Token is missing / empty in the issue credential request';
// Real issuers backdate NotBefore a little so a client whose clock runs slightly behind still accepts the certificate.
const backdateMs = 5 * 60 * 1000;
const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const invalid = (description: string): IssuanceOutcome => ({ status: 400, body: { error: 'invalid_request', error_description: description } });

/**
 * `POST /metadata/identity/issuecredential` (spec §5): reads `{ csr, attestation_token? }`, verifies
 * the CSR against the selected identity and this VM, and certifies the CSR's key with the emulator CA.
 */
export function issueCredential(ctx: IssuanceContext, identity: SelectedIdentity, rawBody: string): IssuanceOutcome {
  let request: unknown;
  try {
    request = JSON.parse(rawBody);
  } catch {
    return invalid('The request body is not valid JSON');
  }
  const fields = typeof request === 'object' && request !== null ? (request as Record<string, unknown>) : {};
  const csr = fields['csr'];
  if (typeof csr !== 'string' || csr === '') return invalid('The request body must contain a non-empty csr');
  const attestation = fields['attestation_token'];
  if (ctx.config.requireAttestation && (typeof attestation !== 'string' || attestation === '')) return invalid(ATTESTATION_MISSING_DESCRIPTION);
  // §3.6: one line of standard base64 of the DER; PEM armour or line breaks are a client bug worth surfacing.
  if (!base64.test(csr)) return invalid('csr must be one line of standard base64 of the DER CSR (no PEM armour, no line breaks)');
  const checked = verifyCsr(Buffer.from(csr, 'base64'), { tenantId: ctx.config.tenantId, clientId: identity.clientId, cuId: ctx.config.cuId });
  if (!checked.ok) return invalid(checked.description);

  const faults = ctx.faults.takeCertificateFaults();
  const now = ctx.now();
  const lifetimeMs = ctx.config.certificateLifetimeSeconds * 1000;
  const hourMs = 60 * 60 * 1000;
  // `expired`: a whole lifetime that ended an hour ago, so every clock agrees it has expired.
  // `notYetValid`: a whole lifetime that starts in an hour.
  const expired = faults.some((f) => f.kind === 'expired');
  const early = faults.some((f) => f.kind === 'notYetValid');
  const notAfter = new Date(expired ? now - hourMs : early ? now + hourMs + lifetimeMs : now + lifetimeMs);
  const notBefore = new Date(early ? now + hourMs : Math.min(now - backdateMs, notAfter.getTime() - lifetimeMs));
  const spki = faults.some((f) => f.kind === 'wrongKey')
    ? generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' })
    : checked.subjectPublicKeyInfo;
  // Subject CN = client id (§5.2: clients parse it as a GUID). The emulator's name encoder has no DC, so the tenant is not in the subject.
  const certificate = ctx.ca.issueCertificate({ subjectPublicKeySpki: spki, subject: identity.clientId, notBefore, notAfter, extKeyUsage: ['clientAuth'] });
  ctx.issued.push({ clientId: identity.clientId, identityType: identity.identityType, certPem: certificate.certPem, x5tS256: certificate.x5tS256, notBefore, notAfter });
  ctx.stats.certificatesIssued++;
  return {
    status: 200,
    body: {
      client_id: identity.clientId,
      tenant_id: ctx.config.tenantId,
      certificate: certificate.der.toString('base64'),
      identity_type: identity.identityType,
      mtls_authentication_endpoint: `https://${ctx.config.region}.mtlsauth.microsoft.com`,
    },
  };
}
