// WindowsBindingStore's policy against the real (Wine) CurrentUser\My: the certificates were
// made on Linux; this script stores them with MSAL.NET's tags, then reads, writes and removes.
import { X509Certificate } from 'node:crypto';
import { cng, run } from './dist.mjs';

run(async (input) => {
  const binding = cng.nativeBinding();
  const location = { location: 'CurrentUser', store: 'My' };
  const store = new cng.WindowsBindingStore({ binding });
  const spki = Buffer.from(input.spki, 'base64');
  const tag = (alias) => cng.encodeFriendlyName(alias, input.endpointBase);
  const add = (der, alias, keyContainer) =>
    binding.addCertificate({ ...location, der: Buffer.from(der, 'base64'), friendlyName: tag(alias), keyContainer, keyProvider: cng.keyNames.softwareKeyStorageProvider });
  const listAlias = (alias) => {
    const listed = binding.listCertificates(location);
    return listed.certificates.filter((c) => c.friendlyName === tag(alias)).map((c) => c.sha1);
  };
  const sha1 = (der) => new X509Certificate(Buffer.from(der, 'base64')).fingerprint.replace(/:/g, '');
  const { alias, otherAlias, keyName } = input;
  for (const der of [input.older, input.newer, input.orphan, input.notGuid]) add(der, alias, keyName);
  add(input.newest, alias, 'SomeoneElsesKey');
  add(input.other, otherAlias, keyName);

  const read = await store.read(alias, keyName, spki);
  const afterRead = listAlias(alias);
  const otherRead = await store.read(otherAlias, keyName, spki);

  // write: skipped while a same-alias certificate lasts as long; done for a longer one.
  await store.write({ alias, certificate: new X509Certificate(Buffer.from(input.older, 'base64')), tokenUrl: `${input.endpointBase}/oauth2/v2.0/token`, clientId: input.clientId, tenantId: input.tenantId }, keyName, spki);
  const afterSkippedWrite = listAlias(alias);

  await store.remove(alias);
  const afterRemove = listAlias(alias);
  const otherAfterRemove = listAlias(otherAlias);
  await store.remove(otherAlias);

  return {
    read: read && { sha1: new X509Certificate(read.certificate.raw).fingerprint.replace(/:/g, ''), tokenUrl: read.tokenUrl, clientId: read.clientId, tenantId: read.tenantId },
    otherRead: otherRead && { sha1: new X509Certificate(otherRead.certificate.raw).fingerprint.replace(/:/g, '') },
    afterRead,
    afterSkippedWrite,
    afterRemove,
    otherAfterRemove,
    expected: { older: sha1(input.older), newer: sha1(input.newer), orphan: sha1(input.orphan), notGuid: sha1(input.notGuid), newest: sha1(input.newest), other: sha1(input.other) },
  };
});
