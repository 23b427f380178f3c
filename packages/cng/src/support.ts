import loadBinding from '../load-binding.cjs';
import { CngError } from './errors/cng_error.js';
import type { NativeBinding } from './native_binding.js';

/** The contract version this wrapper was written against (native_binding.ts). */
const expectedAbiVersion = 1;

type Loaded = { binding: NativeBinding; reason?: undefined } | { binding?: undefined; reason: string };

let loaded: Loaded | undefined;

/**
 * Loads the addon once. Off Windows it is not even tried: requiring this package works on every
 * platform and `isSupported()` says why it is false.
 */
function load(): Loaded {
  if (loaded !== undefined) return loaded;
  if (process.platform !== 'win32' || process.arch !== 'x64') {
    loaded = { reason: `@msal-mtls/cng works on Windows x64 only; this is ${process.platform}-${process.arch}.` };
    return loaded;
  }
  try {
    const binding = loadBinding() as NativeBinding;
    loaded =
      binding.abiVersion === expectedAbiVersion
        ? { binding }
        : { reason: `The addon in prebuilds/win32-x64 speaks contract version ${String(binding.abiVersion)}, this wrapper ${expectedAbiVersion}: reinstall @msal-mtls/cng.` };
  } catch (error) {
    loaded = { reason: `The @msal-mtls/cng addon could not be loaded: ${error instanceof Error ? error.message : String(error)}` };
  }
  return loaded;
}

/** True when the Windows backend can be used in this process (Windows x64, addon loaded). */
export function isSupported(): boolean {
  return load().binding !== undefined;
}

/** Why `isSupported()` is false, or undefined when it is true. */
export function unsupportedReason(): string | undefined {
  return load().reason;
}

/** The addon, or ERR_CNG_NOT_SUPPORTED saying why not. */
export function nativeBinding(): NativeBinding {
  const result = load();
  if (result.binding === undefined) throw new CngError('ERR_CNG_NOT_SUPPORTED', { message: result.reason });
  return result.binding;
}
