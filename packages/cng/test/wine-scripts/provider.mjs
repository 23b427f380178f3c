// The key ladder for real under Wine: which level is reached and why the others were not; then a
// PSS signature and a CSR signed by the CNG key, both checked on the Linux side.
import { cng, imds, run } from './dist.mjs';

run(async (input) => {
  const provider = new cng.CngKeyProvider();
  const key = await provider.getKey();
  const again = await provider.getKey();
  const data = Buffer.from(input.message, 'utf8');
  const pss = await key.sign(data, { algorithm: 'RSA-PSS', hash: 'SHA-256' });
  const csr = await imds.buildCsr({ clientId: input.clientId, tenantId: input.tenantId, cuId: input.cuId, signer: key });
  let misuse;
  try {
    await key.sign('not bytes', { algorithm: 'RSA-PSS', hash: 'SHA-256' });
  } catch (error) {
    misuse = { name: error.name, code: error.code };
  }
  const result = {
    sameKey: again === key,
    name: key.name,
    protection: key.protection,
    downgrades: key.downgrades,
    tlsKind: key.tls.kind,
    spki: Buffer.from(key.publicKeySpki()).toString('base64'),
    pss: Buffer.from(pss).toString('base64'),
    csrPem: `-----BEGIN CERTIFICATE REQUEST-----\n${csr.base64.match(/.{1,64}/g).join('\n')}\n-----END CERTIFICATE REQUEST-----\n`,
    misuse,
  };
  await provider.close();
  return result;
});
