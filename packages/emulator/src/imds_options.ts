/** A user-assigned managed identity attached to the emulated VM; each selector kind finds it (spec §1.2). */
export interface ImdsUserAssignedIdentity {
  clientId: string;
  objectId: string;
  /** ARM resource id, matched by the `mi_res_id` selector. */
  resourceId: string;
}

/** The system-assigned identity of the emulated VM. */
export interface ImdsSystemAssignedIdentity {
  clientId: string;
  objectId?: string;
}

/** The compute unit id that IMDS hands out and expects back in the CSR (spec §2, §3.4). */
export interface ImdsCuId {
  vmId?: string;
  vmssId?: string;
}

/** Options of the IMDS listener (`EmulatorOptions.imds`). All optional. */
export interface ImdsOptions {
  /** `false` makes `getplatformmetadata`/`issuecredential` answer 404, as on an IMDSv1-only VM (spec §2). Default `true`. */
  v2?: boolean;
  /** Tenant of every identity; the CSR's DC and the token endpoint's tenant. */
  tenantId?: string;
  systemAssigned?: ImdsSystemAssignedIdentity;
  userAssigned?: readonly ImdsUserAssignedIdentity[];
  cuId?: ImdsCuId;
  attestationEndpoint?: string;
  /** Region of `mtls_authentication_endpoint` (`https://<region>.mtlsauth.microsoft.com`). Default `eastus`. */
  region?: string;
  /** Lifetime of issued binding certificates. Default 7 days (spec §5.2). */
  certificateLifetimeSeconds?: number;
  /** Reject `issuecredential` without a non-empty `attestation_token` (spec §5.2). Default `false`. */
  requireAttestation?: boolean;
}

/** {@link ImdsOptions} with every default filled in; the IMDS listener's live configuration. */
export interface ImdsConfig {
  v2: boolean;
  tenantId: string;
  systemAssigned: Required<ImdsSystemAssignedIdentity>;
  userAssigned: readonly ImdsUserAssignedIdentity[];
  cuId: ImdsCuId;
  attestationEndpoint: string;
  region: string;
  certificateLifetimeSeconds: number;
  requireAttestation: boolean;
}

// Fixed, recognisable GUIDs rather than random ones: a test or a CLI user can write them down.
export const DEFAULT_IMDS_TENANT_ID = '11111111-1111-4111-8111-111111111111';
export const DEFAULT_IMDS_CLIENT_ID = '22222222-2222-4222-8222-222222222222';
export const DEFAULT_IMDS_OBJECT_ID = '33333333-3333-4333-8333-333333333333';
export const DEFAULT_IMDS_VM_ID = '44444444-4444-4444-8444-444444444444';

/** Fills defaults and rejects values the emulator could not serve. */
export function resolveImdsOptions(options: ImdsOptions): ImdsConfig {
  const cuId: ImdsCuId = options.cuId ?? { vmId: DEFAULT_IMDS_VM_ID };
  // §2: at least one cuId member must be non-empty, or the client rejects the metadata.
  if (!cuId.vmId && !cuId.vmssId) throw new TypeError('imds.cuId needs a vmId or a vmssId');
  const lifetime = options.certificateLifetimeSeconds ?? 7 * 24 * 60 * 60;
  assertLifetime(lifetime);
  const config: ImdsConfig = {
    v2: options.v2 ?? true,
    tenantId: options.tenantId ?? DEFAULT_IMDS_TENANT_ID,
    systemAssigned: {
      clientId: options.systemAssigned?.clientId ?? DEFAULT_IMDS_CLIENT_ID,
      objectId: options.systemAssigned?.objectId ?? DEFAULT_IMDS_OBJECT_ID,
    },
    userAssigned: [...(options.userAssigned ?? [])],
    cuId: { ...(cuId.vmId ? { vmId: cuId.vmId } : {}), ...(cuId.vmssId ? { vmssId: cuId.vmssId } : {}) },
    attestationEndpoint: options.attestationEndpoint ?? 'https://sharedeus.eus.attest.azure.net',
    region: options.region ?? 'eastus',
    certificateLifetimeSeconds: lifetime,
    requireAttestation: options.requireAttestation ?? false,
  };
  for (const identity of config.userAssigned) {
    if (!identity.clientId || !identity.objectId || !identity.resourceId) {
      throw new TypeError('imds.userAssigned entries need clientId, objectId and resourceId');
    }
  }
  if (!/^[a-z0-9-]+$/i.test(config.region)) throw new TypeError(`imds.region is not a region name: '${config.region}'`);
  return config;
}

export function assertLifetime(seconds: number): void {
  if (!Number.isFinite(seconds) || seconds <= 0) throw new TypeError('certificate lifetime must be a positive number of seconds');
}
