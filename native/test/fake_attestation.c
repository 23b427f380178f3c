/* A stand-in for AttestationClientLib.dll, for the tests only (never shipped). It has the real
 * library's four exports with the same signatures (protocol spec §4.2) and shows what reached it:
 *
 * - the token is a JWT-shaped string whose payload echoes the endpoint, the client id, whether
 *   authToken/clientPayload were NULL, the hex modulus of the key read back through the handle it
 *   was given (NCryptExportKey: only a live key handle gets this far) and an `exp` claim;
 * - every Init logs "state inits=… uninits=… issued=… frees=…", the counts so far, so a test
 *   can check that the addon freed every token and uninitialised every successful Init;
 * - FAKE_ATTESTATION_MODE (read from the process environment at each call) picks a behaviour:
 *   ok (default) | init-fail (Init returns -30) | attest-fail (Attest returns -6, and still hands
 *   out a token, which the caller must free) | flood (Attest logs 1200 lines, then succeeds).
 */
#include <windows.h>
#include <bcrypt.h>
#include <ncrypt.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef void(__cdecl *LogFunc)(void *ctx, const char *tag, int32_t level, const char *func, int32_t line, const char *message);
typedef struct {
  LogFunc Log;
  void *Ctx;
} AttestationLogInfo;

#define FAKE_EXPORT __declspec(dllexport)

enum { LEVEL_ERROR = 0, LEVEL_WARN = 1, LEVEL_INFO = 2, LEVEL_DEBUG = 3 };

static LogFunc g_log;
static void *g_ctx;
static int g_initialized;
static volatile LONG g_inits, g_uninits, g_issued, g_frees;

static void Log(int32_t level, const char *func, int32_t line, const char *format, ...) {
  char message[512];
  va_list args;
  if (g_log == NULL) return;
  va_start(args, format);
  vsnprintf(message, sizeof message, format, args);
  va_end(args);
  g_log(g_ctx, "fake-attestation", level, func, line, message);
}

static int ModeIs(const char *wanted) {
  char mode[64];
  DWORD length = GetEnvironmentVariableA("FAKE_ATTESTATION_MODE", mode, sizeof mode);
  if (length == 0 || length >= sizeof mode) return strcmp(wanted, "ok") == 0;
  return strcmp(mode, wanted) == 0;
}

/* A growable string for building the token. */
typedef struct {
  char *data;
  size_t length;
  size_t capacity;
  int failed;
} Text;

static void Append(Text *text, const char *bytes, size_t count) {
  if (text->failed) return;
  if (text->length + count + 1 > text->capacity) {
    size_t capacity = (text->length + count + 1) * 2;
    char *grown = (char *)realloc(text->data, capacity);
    if (grown == NULL) {
      text->failed = 1;
      return;
    }
    text->data = grown;
    text->capacity = capacity;
  }
  memcpy(text->data + text->length, bytes, count);
  text->length += count;
  text->data[text->length] = '\0';
}

static void AppendString(Text *text, const char *value) { Append(text, value, strlen(value)); }

/* A JSON string value (or null). */
static void AppendJson(Text *text, const char *value) {
  const char *p;
  if (value == NULL) {
    AppendString(text, "null");
    return;
  }
  AppendString(text, "\"");
  for (p = value; *p != '\0'; ++p) {
    unsigned char c = (unsigned char)*p;
    if (c == '"' || c == '\\') {
      char escaped[2] = {'\\', (char)c};
      Append(text, escaped, 2);
    } else if (c < 0x20) {
      char escaped[8];
      snprintf(escaped, sizeof escaped, "\\u%04x", c);
      AppendString(text, escaped);
    } else {
      Append(text, (const char *)&c, 1);
    }
  }
  AppendString(text, "\"");
}

static void AppendBase64Url(Text *text, const unsigned char *bytes, size_t count) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  size_t i;
  for (i = 0; i < count; i += 3) {
    unsigned long group = (unsigned long)bytes[i] << 16;
    char out[4];
    size_t produce = 2;
    if (i + 1 < count) {
      group |= (unsigned long)bytes[i + 1] << 8;
      produce = 3;
    }
    if (i + 2 < count) {
      group |= bytes[i + 2];
      produce = 4;
    }
    out[0] = alphabet[(group >> 18) & 63];
    out[1] = alphabet[(group >> 12) & 63];
    out[2] = alphabet[(group >> 6) & 63];
    out[3] = alphabet[group & 63];
    Append(text, out, produce);
  }
}

/* Hex of the RSA modulus read through the key handle; NULL when the handle gives none. */
static char *ModulusHex(NCRYPT_KEY_HANDLE key, SECURITY_STATUS *status) {
  DWORD size = 0;
  unsigned char *blob;
  char *hex;
  BCRYPT_RSAKEY_BLOB header;
  DWORD i;
  *status = NCryptExportKey(key, 0, BCRYPT_RSAPUBLIC_BLOB, NULL, NULL, 0, &size, 0);
  if (*status != ERROR_SUCCESS || size < sizeof header) return NULL;
  blob = (unsigned char *)malloc(size);
  if (blob == NULL) return NULL;
  *status = NCryptExportKey(key, 0, BCRYPT_RSAPUBLIC_BLOB, NULL, blob, size, &size, 0);
  memcpy(&header, blob, sizeof header);
  if (*status != ERROR_SUCCESS || (size_t)sizeof header + header.cbPublicExp + header.cbModulus > size) {
    free(blob);
    return NULL;
  }
  hex = (char *)malloc((size_t)header.cbModulus * 2 + 1);
  if (hex != NULL) {
    const unsigned char *modulus = blob + sizeof header + header.cbPublicExp;
    for (i = 0; i < header.cbModulus; ++i) snprintf(hex + i * 2, 3, "%02x", modulus[i]);
    hex[header.cbModulus * 2] = '\0';
  }
  free(blob);
  return hex;
}

FAKE_EXPORT int32_t __cdecl InitAttestationLib(AttestationLogInfo *info) {
  if (info == NULL || info->Log == NULL) return -8; /* invalid input */
  g_log = info->Log;
  g_ctx = info->Ctx;
  Log(LEVEL_INFO, __func__, __LINE__, "state inits=%ld uninits=%ld issued=%ld frees=%ld", g_inits, g_uninits, g_issued, g_frees);
  if (ModeIs("init-fail")) {
    Log(LEVEL_ERROR, __func__, __LINE__, "failing Init as FAKE_ATTESTATION_MODE asks");
    g_log = NULL;
    return -30; /* client init */
  }
  InterlockedIncrement(&g_inits);
  g_initialized = 1;
  return 0;
}

FAKE_EXPORT int32_t __cdecl AttestKeyGuardImportKey(const char *endpoint, const char *authToken, const char *clientPayload,
                                                    NCRYPT_KEY_HANDLE key, char **token, const char *clientId) {
  static const char header[] = "{\"alg\":\"none\",\"typ\":\"JWT\",\"fake\":true}";
  static const char signature[] = "fake-signature";
  SECURITY_STATUS status = 0;
  char *modulus;
  char number[32];
  Text payload = {0}, jwt = {0};
  int i;
  if (token == NULL) return -9; /* parameter validation */
  *token = NULL;
  if (!g_initialized) return -30;
  if (endpoint == NULL || clientId == NULL) return -9;
  /* MSAL passes a NULL ctx to Init; the addon must cope with lines that carry none. */
  if (g_log != NULL) g_log(NULL, "fake-attestation", LEVEL_DEBUG, __func__, __LINE__, "a line logged with a NULL ctx");
  if (ModeIs("flood")) {
    for (i = 0; i < 1200; ++i) Log(LEVEL_DEBUG, __func__, __LINE__, "flood line %d", i);
  }
  modulus = ModulusHex(key, &status);
  if (modulus == NULL) {
    Log(LEVEL_ERROR, __func__, __LINE__, "NCryptExportKey on the key handle failed: 0x%08lX", (unsigned long)status);
    return -33; /* extract import-key public */
  }
  Log(LEVEL_INFO, __func__, __LINE__, "attesting a %u-bit key for %s", (unsigned)(strlen(modulus) * 4), endpoint);

  AppendString(&payload, "{\"endpoint\":");
  AppendJson(&payload, endpoint);
  AppendString(&payload, ",\"clientId\":");
  AppendJson(&payload, clientId);
  AppendString(&payload, ",\"authToken\":");
  AppendJson(&payload, authToken);
  AppendString(&payload, ",\"clientPayload\":");
  AppendJson(&payload, clientPayload);
  AppendString(&payload, ",\"modulus\":");
  AppendJson(&payload, modulus);
  snprintf(number, sizeof number, "%lld", (long long)time(NULL) + 3600);
  AppendString(&payload, ",\"exp\":");
  AppendString(&payload, number);
  AppendString(&payload, "}");
  free(modulus);

  AppendBase64Url(&jwt, (const unsigned char *)header, sizeof header - 1);
  AppendString(&jwt, ".");
  AppendBase64Url(&jwt, (const unsigned char *)payload.data, payload.length);
  AppendString(&jwt, ".");
  AppendBase64Url(&jwt, (const unsigned char *)signature, sizeof signature - 1);
  free(payload.data);
  if (payload.failed || jwt.failed) {
    free(jwt.data);
    return -10; /* alloc */
  }
  *token = jwt.data;
  InterlockedIncrement(&g_issued);
  if (ModeIs("attest-fail")) {
    Log(LEVEL_ERROR, __func__, __LINE__, "failing Attest as FAKE_ATTESTATION_MODE asks (a token is still handed out)");
    return -6; /* attestation failed */
  }
  return 0;
}

FAKE_EXPORT void __cdecl FreeAttestationToken(char *token) {
  if (token == NULL) return;
  InterlockedIncrement(&g_frees);
  free(token);
}

FAKE_EXPORT void __cdecl UninitAttestationLib(void) {
  InterlockedIncrement(&g_uninits);
  Log(LEVEL_INFO, __func__, __LINE__, "uninit");
  g_initialized = 0;
  g_log = NULL;
  g_ctx = NULL;
}
