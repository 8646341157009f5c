/**
 * UUIDv5 (RFC 4122 section 4.3) computed with node:crypto alone, to check ids.ts against an implementation that
 * shares nothing with it (no `uuid`, no `canonicalize`: callers write the canonical JSON text by hand).
 */
import { createHash } from 'node:crypto';

export function uuid5ByHand(name: string, namespace: string): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const digest = createHash('sha1').update(namespaceBytes).update(Buffer.from(name, 'utf8')).digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';
