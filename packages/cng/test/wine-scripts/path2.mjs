// Path 2 (managed identity) from a Windows node.exe: imds picks @msal-mtls/cng by itself, makes
// the CNG key, asks the Linux-side emulator's IMDS for metadata and a certificate (the CSR is
// signed in CNG), persists the certificate in CurrentUser\My with MSAL.NET's tag, and sends the
// token request through Schannel. Wine's Schannel cannot use an NCrypt key, so that last step
// fails here; the test checks that it fails as a typed error with the Windows status kept.
import { cng, imds, run } from './dist.mjs';

run(async (input) => {
  const lines = [];
  const logger = { loggerCallback: (_level, message) => lines.push(message), piiLoggingEnabled: false, logLevel: 4 };
  const common = { imdsEndpoint: input.imdsUrl, ca: input.caPem, connectTo: input.connectTo, logger, requestTimeoutMs: 10000, sleep: async () => undefined };

  // 1. The default floor is KeyGuard: a key below it fails before any IMDS request.
  const strict = new imds.ManagedIdentityClient(common);
  const floor = await strict.acquireToken({ resource: input.resource }).then(() => undefined, (e) => ({ code: e.code, message: e.message }));
  strict.close();

  // 2. With the floor lowered, the flow runs up to the token request.
  const steps = [];
  const client = new imds.ManagedIdentityClient({ ...common, minimumKeyProtection: 'in-memory' });
  const outcome = await client.acquireToken({ resource: input.resource, onStep: (s) => steps.push(s) }).then(
    (r) => ({ ok: true, tokenType: r.tokenType }),
    (e) => ({ ok: false, code: e.code, message: e.message, cause: e.cause && { name: e.cause.name, code: e.cause.code, status: e.cause.status, transportFailure: e.cause.transportFailure } }),
  );
  const capabilities = await client.getCapabilities?.().catch((e) => ({ error: e.code }));
  client.close();

  // 3. What was persisted for the other SDKs on the VM.
  const binding = cng.nativeBinding();
  const listed = binding.listCertificates({ location: 'CurrentUser', store: 'My' });
  const ours = listed.ok ? listed.certificates.filter((c) => c.friendlyName.startsWith('MSAL|alias=system_assigned_managed_identity#att=0|')) : [];
  for (const c of ours) binding.deleteCertificate({ location: 'CurrentUser', store: 'My' }, c.sha1);

  return {
    floor,
    steps,
    outcome,
    capabilities,
    persisted: ours.map((c) => ({ friendlyName: c.friendlyName, keyContainer: c.keyContainer, keyProvider: c.keyProvider, der: c.der.toString('base64') })),
    logs: lines,
  };
});
