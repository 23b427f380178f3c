/**
 * The shape of the native addon (native/src/*.cc), as plain data. This file is the contract
 * between the C++ layer and the TypeScript wrapper: the addon returns results or `Failure`
 * objects (Windows statuses as data) and never decides policy; the wrapper does.
 *
 * Conventions: byte strings are Buffers; async calls return promises that resolve with a result
 * or a Failure (they reject only on a C++ exception, i.e. a bug or a wrong argument type).
 */

/** A Windows status as data: which API returned it and the raw code. */
export interface Failure {
  ok: false;
  /** The Windows function that failed, e.g. `NCryptFinalizeKey`. */
  api: string;
  /** The status as returned (SECURITY_STATUS, HRESULT, Win32 or WinHTTP error), unsigned. */
  code: number;
  /** `code` as `0x%08X`. */
  hex: string;
  /** The system's text for the code ('' when Windows has none). */
  message: string;
  /** Extra context from the native layer (never key material or tokens). */
  detail?: string;
}

export type Result<T> = ({ ok: true } & T) | Failure;

// ---- keys.cc ---------------------------------------------------------------------------------

export interface CreateKeyOptions {
  /** Key storage provider name, e.g. 'Microsoft Software Key Storage Provider'. */
  provider: string;
  /** Container name; null for an ephemeral (unnamed, never persisted) key. */
  name: string | null;
  /** dwFlags for NCryptCreatePersistedKey (e.g. 0x80 overwrite | 0x20000 virtual isolation | 0x40000 per boot | 0x20 machine key). */
  flags: number;
  /** RSA modulus length in bits (NCRYPT_LENGTH_PROPERTY), e.g. 2048. */
  length: number;
  /** NCRYPT_KEY_USAGE_PROPERTY, e.g. 0x00FFFFFF (all) or 0x2 (signing); omitted: not set. */
  keyUsage?: number;
  /** NCRYPT_EXPORT_POLICY_PROPERTY, e.g. 0 (non-exportable); omitted: not set. */
  exportPolicy?: number;
}

export interface OpenKeyOptions {
  provider: string;
  name: string;
  /** dwFlags for NCryptOpenKey (e.g. 0x40 NCRYPT_SILENT_FLAG | 0x20 machine key). */
  flags: number;
}

export interface SignKeyOptions {
  /** 'pss' (MGF1 with the same hash) or 'pkcs1'. */
  padding: 'pss' | 'pkcs1';
  /** Hash algorithm id for the padding info: 'SHA256' (BCRYPT_SHA256_ALGORITHM). */
  hash: 'SHA256';
  /** PSS salt length in bytes (ignored for pkcs1). */
  saltLength: number;
}

/** An open NCrypt key (NCRYPT_KEY_HANDLE plus its provider handle). The private key never leaves it. */
export interface NativeKey {
  /** The container name, or null for an ephemeral key. */
  readonly name: string | null;
  readonly provider: string;
  /** RSA public key from NCryptExportKey(BCRYPT_RSAPUBLIC_BLOB): big-endian modulus and exponent. */
  exportPublicKey(): Result<{ modulus: Buffer; exponent: Buffer }>;
  /** NCryptSignHash over a digest the caller computed. Off the JS thread. */
  sign(digest: Buffer, options: SignKeyOptions): Promise<Result<{ signature: Buffer }>>;
  /** NCryptGetProperty on the key, raw bytes (e.g. 'Virtual Iso', 'Per Boot Key', 'Export Policy', 'Length', 'Unique Name'). */
  getProperty(name: string): Result<{ value: Buffer }>;
  /** NCryptDeleteKey: deletes the persisted key; the handle is freed on success. */
  delete(): Result<object>;
  /** Frees the handles now (idempotent). Also done by the finalizer. */
  close(): void;
  readonly closed: boolean;
}

// ---- attestation.cc --------------------------------------------------------------------------

export interface AttestationLogLine {
  /** 0 error, 1 warn, 2 info, 3 debug (the library's own levels). */
  level: number;
  tag: string;
  func: string;
  line: number;
  message: string;
}

export interface AttestationSuccess {
  ok: true;
  token: string;
  /** Full path of the AttestationClientLib.dll that was loaded. */
  libraryPath: string;
  logs: AttestationLogLine[];
}

export interface AttestationFailure extends Failure {
  /** Where it failed: 'load' (LoadLibraryExW / GetProcAddress), 'init' (InitAttestationLib), 'attest' (AttestKeyGuardImportKey; code is the library's negative result as unsigned, see `result`). */
  stage: 'load' | 'init' | 'attest';
  /** For 'init'/'attest': the library's int32 return value. */
  result?: number;
  /** Paths tried for the DLL, in order. */
  searched: string[];
  logs: AttestationLogLine[];
}

// ---- cert_store.cc ---------------------------------------------------------------------------

export type StoreLocation = 'CurrentUser' | 'LocalMachine';

export interface StoreRef {
  location: StoreLocation;
  /** System store name, e.g. 'My'. */
  store: string;
}

export interface StoreCertificate {
  /** The certificate, DER. */
  der: Buffer;
  /** SHA-1 thumbprint, upper-case hex (what Windows tools show). */
  sha1: string;
  /** CERT_FRIENDLY_NAME_PROP_ID, '' when none. */
  friendlyName: string;
  /** From CERT_KEY_PROV_INFO_PROP_ID, when the certificate has a private key reference. */
  keyContainer?: string;
  keyProvider?: string;
  /** dwProvType: 0 for CNG (KSP) keys, non-zero for CAPI providers. */
  keyProviderType?: number;
  /** dwFlags of the key link (e.g. 0x20 machine key), so the key can be reopened the same way. */
  keyFlags?: number;
}

export interface AddCertificateOptions extends StoreRef {
  der: Buffer;
  friendlyName: string;
  /** Links the stored certificate to this key (CERT_KEY_PROV_INFO_PROP_ID: container + KSP name, provType 0). */
  keyContainer?: string;
  keyProvider?: string;
  /** dwFlags of CRYPT_KEY_PROV_INFO (e.g. 0x20 NCRYPT_MACHINE_KEY_FLAG). */
  keyFlags?: number;
}

/** A named mutex held by the JS thread (Windows mutexes belong to the thread that took them). */
export interface NativeMutex {
  /** ReleaseMutex + CloseHandle (idempotent). */
  release(): void;
}

// ---- winhttp_session.cc ----------------------------------------------------------------------

/** Which certificate the session presents. */
export type ClientCertificateSource =
  /** A certificate (DER) whose key is this open NCrypt key: bound by handle and by provider info. */
  | { kind: 'key'; der: Buffer; key: NativeKey }
  /** A certificate already in a store, found by SHA-1 thumbprint (its key is found through the store's provider info). */
  | ({ kind: 'store'; sha1: string } & StoreRef);

export interface SessionOptions {
  certificate: ClientCertificateSource;
  /**
   * Extra trusted roots (DER), for tests against a local emulator. Server certificates are always
   * verified: by the OS, or, when this is non-empty, by our own chain check that also accepts a
   * chain ending in one of these roots (with the usual name and validity checks).
   */
  trustedRoots: Buffer[];
  /** User-Agent for WinHttpOpen. */
  userAgent: string;
}

export interface NativeRequest {
  method: string;
  /** https URL to connect to (host/port may be a connect-to target). */
  url: string;
  /** Header lines in order, [name, value]. */
  headers: Array<[string, string]>;
  body: Buffer | null;
  timeoutMs: number;
  /** The name the server certificate must match (the original host when connecting elsewhere). */
  serverName: string;
  /** Largest response body accepted, in bytes. */
  maxBodyBytes: number;
}

export interface NativeResponse {
  ok: true;
  status: number;
  /** The raw response header block (WINHTTP_QUERY_RAW_HEADERS_CRLF): status line then header lines. */
  rawHeaders: string;
  body: Buffer;
}

/** A WinHTTP session and its connections for one client certificate, reused across requests. */
export interface NativeSession {
  request(request: NativeRequest): Promise<NativeResponse | Failure>;
  /** Closes the session and its connections (idempotent); later requests resolve with a Failure. */
  close(): void;
}

// ---- the module ------------------------------------------------------------------------------

export interface NativeBinding {
  /** Bumped when this contract changes incompatibly. */
  readonly abiVersion: number;

  createKey(options: CreateKeyOptions): Promise<Result<{ key: NativeKey }>>;
  openKey(options: OpenKeyOptions): Promise<Result<{ key: NativeKey }>>;

  /**
   * Loads AttestationClientLib.dll from the addon's folder, the package root or System32 only
   * (LoadLibraryExW with LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR | LOAD_LIBRARY_SEARCH_SYSTEM32, never the
   * current directory or PATH), then Init → AttestKeyGuardImportKey → FreeAttestationToken → Uninit.
   */
  attestKey(key: NativeKey, endpoint: string, clientId: string): Promise<AttestationSuccess | AttestationFailure>;

  listCertificates(store: StoreRef): Result<{ certificates: StoreCertificate[] }>;
  findCertificate(store: StoreRef, sha1: string): Result<{ certificate: StoreCertificate | null }>;
  addCertificate(options: AddCertificateOptions): Result<{ sha1: string }>;
  deleteCertificate(store: StoreRef, sha1: string): Result<{ deleted: boolean }>;
  /** PFXImportCertStore, then adds every certificate (with its key link) to the store. */
  importPfx(store: StoreRef, pfx: Buffer, password: string): Result<{ sha1: string[] }>;
  /**
   * CreateMutexW + WaitForSingleObject(timeoutMs) on the JS thread. `acquired` false: busy (timed
   * out). `abandoned`: the previous holder died holding it, so what it guarded may be half-written.
   * Windows mutexes are recursive per thread: callers in one process must serialise themselves.
   */
  acquireMutex(name: string, timeoutMs: number): Result<{ acquired: boolean; mutex: NativeMutex | null; abandoned: boolean }>;

  createSession(options: SessionOptions): Result<{ session: NativeSession }>;
}
