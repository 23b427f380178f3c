/**
 * The cuId JSON that goes into the CSR's Microsoft attribute 1.3.6.1.4.1.311.90.2.10 (spec §3.4).
 * MSAL.NET writes it with System.Text.Json: compact, member order vmId then vmssId, null members
 * omitted, default (HTML-safe) encoder. We also omit empty members, because an `"vmssId":""` member
 * makes IMDS reject the CSR according to peers (spec §3.4, UNCONFIRMED server detail).
 */
import { invalidArgument, invalidValue } from '@msal-mtls/core';

/** The `cuId` object of the getplatformmetadata response (spec §2). */
export interface CuId {
  vmId?: string;
  vmssId?: string;
}

// Only these members are re-serialized, in this order; anything else IMDS sends is dropped (spec §2).
const members = ['vmId', 'vmssId'] as const;

// Characters System.Text.Json's default JavaScriptEncoder refuses to write literally inside printable
// ASCII: the HTML-sensitive ones, the backslash and the backtick. Everything outside 0x20-0x7E is
// escaped too (the default encoder allows only Basic Latin), so the output is pure ASCII.
const forbidden = new Set(['"', '&', "'", '+', '<', '>', '\\', '`']);
const shortEscapes: Readonly<Record<string, string>> = {
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
  '\\': '\\\\',
};

/** A JSON string literal escaped the way System.Text.Json's default encoder does it (spec §3.4). */
function jsonString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    const unit = value.charCodeAt(i);
    if (unit >= 0x20 && unit <= 0x7e && !forbidden.has(ch)) out += ch;
    else out += shortEscapes[ch] ?? `\\u${unit.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return `${out}"`;
}

/**
 * Compact JSON of a cuId: `vmId` then `vmssId`, absent or empty members omitted, unknown members
 * dropped (spec §3.4). Throws a TypeError for a non-object or a non-string member, and a RangeError
 * when neither member has a value (spec §2: at least one is required).
 */
export function serializeCuId(cuId: CuId): string {
  if (typeof cuId !== 'object' || cuId === null || Array.isArray(cuId)) throw invalidArgument('cuId', 'an object', cuId);
  const parts: string[] = [];
  for (const name of members) {
    const value: unknown = (cuId as Record<string, unknown>)[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw invalidArgument(`cuId.${name}`, 'a string', value);
    if (value.length === 0) continue;
    parts.push(`${jsonString(name)}:${jsonString(value)}`);
  }
  if (parts.length === 0) throw invalidValue('cuId', 'must have a non-empty vmId or vmssId (spec §2)');
  return `{${parts.join(',')}}`;
}
