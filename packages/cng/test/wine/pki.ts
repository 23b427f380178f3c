/**
 * A throw-away PKI for the Wine tests, made with the Linux openssl CLI: a test CA, a server
 * certificate for localhost, client certificates with PFX files Wine can read, and a second,
 * unrelated CA. Everything is fresh per call (new keys, random serials), so thumbprints never
 * collide with what earlier runs left in the shared Wine prefix.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A certificate with its key, in the forms the tests need. */
export interface PkiCertificate {
  certPem: string;
  certDer: Buffer;
  keyPem: string;
  /** SHA-1 thumbprint, upper-case hex without separators (as Windows shows it). */
  sha1: string;
  /** Subject common name. */
  commonName: string;
  /** Linux paths of the PEM files. */
  certPath: string;
  keyPath: string;
}

/** A client certificate and its PKCS#12 files (3DES + SHA-1 MAC: what Wine's PFX reader takes). */
export interface PkiClient extends PkiCertificate {
  /** The leaf and its key only. */
  pfx: Buffer;
  /** The leaf, its key and the issuing CA certificate. */
  pfxWithChain: Buffer;
  password: string;
  pfxPath: string;
  pfxWithChainPath: string;
}

export interface Pki {
  dir: string;
  /** The test CA that issued `server` and `client`. */
  ca: PkiCertificate;
  caPem: string;
  caDer: Buffer;
  /** Server certificate for DNS:localhost and IP:127.0.0.1 (serverAuth), issued by `ca`. */
  server: PkiCertificate;
  serverCertPem: string;
  serverKeyPem: string;
  /** Client certificate (clientAuth), issued by `ca`. */
  client: PkiClient;
  /** An unrelated CA, and a client certificate it issued (for "wrong CA" cases). */
  otherCa: PkiCertificate;
  otherCaPem: string;
  otherCaDer: Buffer;
  otherClient: PkiClient;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Upper-case hex SHA-1 of a certificate, computed by Node (independent of the code under test). */
export function sha1Thumbprint(certPemOrDer: string | Buffer): string {
  return new X509Certificate(certPemOrDer).fingerprint.replace(/:/g, '').toUpperCase();
}

function loadCertificate(dir: string, base: string, commonName: string): PkiCertificate {
  const certPath = join(dir, `${base}.crt`);
  const keyPath = join(dir, `${base}.key`);
  const certPem = readFileSync(certPath, 'utf8');
  const x509 = new X509Certificate(certPem);
  return { certPem, certDer: x509.raw, keyPem: readFileSync(keyPath, 'utf8'), sha1: sha1Thumbprint(certPem), commonName, certPath, keyPath };
}

function makeCa(dir: string, base: string, commonName: string): PkiCertificate {
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2', '-subj', `/CN=${commonName}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout', `${base}.key`, '-out', `${base}.crt`],
    dir,
  );
  return loadCertificate(dir, base, commonName);
}

function issue(dir: string, issuer: PkiCertificate, base: string, commonName: string, extensions: string): PkiCertificate {
  writeFileSync(join(dir, `${base}.ext`), extensions);
  openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${commonName}`, '-keyout', `${base}.key`, '-out', `${base}.csr`], dir);
  openssl(
    ['x509', '-req', '-in', `${base}.csr`, '-CA', issuer.certPath, '-CAkey', issuer.keyPath, '-set_serial', `0x${randomBytes(8).toString('hex')}`,
      '-days', '2', '-sha256', '-extfile', `${base}.ext`, '-out', `${base}.crt`],
    dir,
  );
  return loadCertificate(dir, base, commonName);
}

function pkcs12(dir: string, cert: PkiCertificate, out: string, password: string, chain?: PkiCertificate): Buffer {
  openssl(
    ['pkcs12', '-export', '-in', cert.certPath, '-inkey', cert.keyPath, ...(chain ? ['-certfile', chain.certPath] : []),
      '-name', cert.commonName, '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1',
      '-passout', `pass:${password}`, '-out', out],
    dir,
  );
  return readFileSync(join(dir, out));
}

function makeClient(dir: string, issuer: PkiCertificate, base: string, commonName: string): PkiClient {
  const cert = issue(dir, issuer, base, commonName,
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const pfx = pkcs12(dir, cert, `${base}.pfx`, password);
  const pfxWithChain = pkcs12(dir, cert, `${base}-chain.pfx`, password, issuer);
  return { ...cert, pfx, pfxWithChain, password, pfxPath: join(dir, `${base}.pfx`), pfxWithChainPath: join(dir, `${base}-chain.pfx`) };
}

/**
 * Makes the PKI in `dir` (created if missing). Names carry a random tag so that certificates
 * from different runs are told apart in the Wine prefix's stores. Takes about a second.
 */
export function makePki(dir: string): Pki {
  mkdirSync(dir, { recursive: true });
  const tag = randomBytes(4).toString('hex');
  const ca = makeCa(dir, 'ca', `msal-mtls test CA ${tag}`);
  const server = issue(dir, ca, 'server', 'localhost',
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n');
  const client = makeClient(dir, ca, 'client', `msal-mtls test client ${tag}`);
  const otherCa = makeCa(dir, 'other-ca', `msal-mtls other CA ${tag}`);
  const otherClient = makeClient(dir, otherCa, 'other-client', `msal-mtls other client ${tag}`);
  return {
    dir,
    ca, caPem: ca.certPem, caDer: ca.certDer,
    server, serverCertPem: server.certPem, serverKeyPem: server.keyPem,
    client,
    otherCa, otherCaPem: otherCa.certPem, otherCaDer: otherCa.certDer,
    otherClient,
  };
}
