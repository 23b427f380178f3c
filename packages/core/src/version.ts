/** This package's version; a test keeps it equal to package.json. Sent as x-client-Ver. */
export const VERSION = '0.1.0';

/** Sent as x-client-SKU so Entra can tell our traffic apart from MSAL's. */
export const SKU = 'msal-mtls.node';
