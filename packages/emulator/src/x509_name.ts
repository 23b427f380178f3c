import { objectIdentifier, sequence, singletonSet, utf8String } from './der.js';

/** The subject fields the emulator writes. One attribute per RDN, in the usual O, OU, CN order. */
export interface DistinguishedName {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
}

const attributeOids = { organization: '2.5.4.10', organizationalUnit: '2.5.4.11', commonName: '2.5.4.3' } as const;

/** DER `Name` (RFC 5280 §4.1.2.4); a bare string is a common name. */
export function encodeName(name: DistinguishedName | string): Buffer {
  const dn: DistinguishedName = typeof name === 'string' ? { commonName: name } : name;
  const rdns: Buffer[] = [];
  for (const key of ['organization', 'organizationalUnit', 'commonName'] as const) {
    const value = dn[key];
    if (value !== undefined && value !== '') {
      rdns.push(singletonSet(sequence(objectIdentifier(attributeOids[key]), utf8String(value))));
    }
  }
  return sequence(...rdns);
}
