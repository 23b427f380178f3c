import { MtlsError } from '../errors/mtls_error.js';
import { invalidArgument } from '../errors/argument.js';

/** Region names are DNS labels of letters and digits (MSAL.NET validates `^[a-zA-Z0-9]+$`). */
const regionPattern = /^[a-z0-9]{1,63}$/;

/**
 * Validates an Azure region name. Unlike MSAL.NET, which silently falls back to the global host
 * for an invalid name, an invalid name is an error: a typo must not change which endpoint is used
 * (spec, 'Where msal-mtls deliberately differs' §1). `undefined` means "no region": global host.
 */
export function parseRegion(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidArgument('azureRegion', 'a string such as "eastus"', value);
  const region = value.trim().toLowerCase();
  if (!regionPattern.test(region)) {
    throw new MtlsError('ERR_MTLS_INVALID_REGION', {
      message: `'${value}' is not a valid Azure region name (letters and digits only, e.g. eastus2).`,
    });
  }
  return region;
}
