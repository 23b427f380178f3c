/**
 * `application/x-www-form-urlencoded` exactly as MSAL.NET writes it: each value through
 * `Uri.EscapeDataString` (RFC 3986 unreserved characters kept, everything else percent-encoded,
 * upper-case hex) with `%20` then written as `+` (spec §6.1). `encodeURIComponent` leaves
 * `!'()*` alone, which EscapeDataString encodes, hence the second replace.
 */
export function encodeForm(fields: ReadonlyArray<readonly [string, string]>): string {
  return fields.map(([name, value]) => `${escapeDataString(name)}=${escapeDataString(value)}`).join('&');
}

function escapeDataString(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}
