// Path 1 with a certificate from the Windows store: the PFX is imported into CurrentUser\My (key
// non-exportable), found by thumbprint, and the whole flow runs through Schannel against the
// Linux-side emulator: token request, cache hit, and the downstream call to the resource.
import { cng, core, run } from './dist.mjs';

run(async (input) => {
  const binding = cng.nativeBinding();
  const store = { location: 'CurrentUser', store: 'My' };
  const imported = binding.importPfx(store, Buffer.from(input.pfx, 'base64'), input.password);
  if (!imported.ok) throw new Error(`importPfx: ${cng.describeStatus(imported)}`);
  const thumbprint = imported.sha1[0];
  try {
    const certificate = cng.windowsStoreCertificate({ thumbprint });
    const client = new core.ConfidentialClient({
      clientId: input.clientId,
      authority: `https://login.microsoftonline.com/${input.tenantId}`,
      azureRegion: 'eastus',
      certificate,
      ca: input.caPem,
      connectTo: input.connectTo,
      requestTimeoutMs: 10000,
    });
    const first = await client.acquireToken({ scopes: ['https://graph.microsoft.com/.default'], mtlsProofOfPossession: true });
    const second = await client.acquireToken({ scopes: ['https://graph.microsoft.com/.default'], mtlsProofOfPossession: true });
    const transport = client.createMtlsTransport();
    const resource = await transport.request({ method: 'GET', url: input.resourceUrl, headers: { authorization: `mtls_pop ${first.accessToken}` } });
    transport.close();
    // The fetch function over the same Schannel transport (issue 7's downstream call).
    const mtlsFetch = core.createMtlsFetch({ client, resource: 'https://graph.microsoft.com' });
    const fetched = await mtlsFetch(input.resourceUrl);
    const fetchedStatus = fetched.status;
    mtlsFetch.close?.();
    client.close();
    let missing;
    try {
      cng.windowsStoreCertificate({ thumbprint: '00'.repeat(20) });
    } catch (error) {
      missing = error.code;
    }
    return {
      thumbprint,
      x5t: core.x5tS256(certificate.certificate),
      first: { tokenType: first.tokenType, tokenSource: first.tokenSource, cnf: core.readCnfThumbprint(first.accessToken) },
      second: { tokenSource: second.tokenSource, same: second.accessToken === first.accessToken },
      resource: { status: resource.status, body: resource.body.toString('utf8') },
      fetchedStatus,
      missing,
    };
  } finally {
    binding.deleteCertificate(store, thumbprint);
  }
});
