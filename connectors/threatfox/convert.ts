import { stix, type StixObject, type TlpName } from '../../core';
import type { ThreatFoxIoc } from './client';

/** What an `ioc_type` becomes: an observable kind and the value the pattern tests. */
export type MappedIoc =
  | { kind: 'value'; type: 'ipv4-addr' | 'ipv6-addr' | 'domain-name' | 'url'; value: string; port?: number }
  | { kind: 'hash'; algorithm: 'MD5' | 'SHA-1' | 'SHA-256'; value: string };

const HASH_TYPES: Record<string, 'MD5' | 'SHA-1' | 'SHA-256'> = { md5_hash: 'MD5', sha1_hash: 'SHA-1', sha256_hash: 'SHA-256' };
/** ThreatFox's name for a family it could not identify: not a malware entity worth creating. */
const UNKNOWN_MALWARE = /^unknown malware$/i;

/** `1.2.3.4:80`, `[2001:db8::1]:443` or `2a02:cf40:1::5:40669` (IPv6, port after the last colon). */
export function splitIpPort(text: string): { ip: string; port?: number } | undefined {
  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/i.exec(text);
  const plain = /^(.+?)(?::(\d{1,5}))?$/.exec(text);
  const m = bracketed ?? (text.split(':').length > 2 ? /^([0-9a-f:.]+):(\d{1,5})$/i.exec(text) : plain);
  if (!m) return undefined;
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && port > 65535) return undefined;
  return { ip: m[1]!, port };
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}$/i;

/** The observable an IOC names, or undefined for a type this connector does not import (or a value it cannot read). */
export function mapIoc(ioc: Pick<ThreatFoxIoc, 'ioc' | 'ioc_type'>): MappedIoc | undefined {
  const hash = HASH_TYPES[ioc.ioc_type];
  if (hash) return /^[0-9a-f]+$/i.test(ioc.ioc) ? { kind: 'hash', algorithm: hash, value: ioc.ioc.toLowerCase() } : undefined;
  if (ioc.ioc_type === 'domain') return { kind: 'value', type: 'domain-name', value: ioc.ioc.toLowerCase() };
  if (ioc.ioc_type === 'url') return { kind: 'value', type: 'url', value: ioc.ioc };
  if (ioc.ioc_type === 'ip:port' || ioc.ioc_type === 'ip') {
    const parts = splitIpPort(ioc.ioc);
    if (!parts) return undefined;
    if (IPV4.test(parts.ip)) return { kind: 'value', type: 'ipv4-addr', value: parts.ip, port: parts.port };
    if (IPV6.test(parts.ip)) return { kind: 'value', type: 'ipv6-addr', value: parts.ip.toLowerCase(), port: parts.port };
  }
  return undefined;
}

export interface ConvertOptions {
  author: StixObject;
  tlp: TlpName;
}

function describe(ioc: ThreatFoxIoc, mapped: MappedIoc): string | undefined {
  const parts = [ioc.threat_type_desc || ioc.threat_type];
  if (mapped.kind === 'value' && mapped.port !== undefined) parts.push(`Seen on port ${mapped.port} (${ioc.ioc}).`);
  const text = parts.filter((p) => p !== '').join(' ');
  return text === '' ? undefined : text;
}

/**
 * One IOC -> observable, indicator "based-on" it, and the malware family it "indicates". The indicator pattern tests
 * the IP alone for `ip:port` (so it merges with the same IP from other sources); the port stays in its name and
 * description. Pure: every time comes from the record.
 */
export function iocToStix(ioc: ThreatFoxIoc, mapped: MappedIoc, opts: ConvertOptions): StixObject[] {
  const markings = [stix.tlpMarkingId(opts.tlp)];
  const labels = ioc.tags.length > 0 ? ioc.tags : undefined;
  const description = describe(ioc, mapped);
  const common = { created_by_ref: opts.author.id, object_marking_refs: markings, created: ioc.first_seen };
  const externalReferences = [
    ...(ioc.id ? [stix.makeExternalReference({ source_name: 'ThreatFox', external_id: ioc.id, url: `https://threatfox.abuse.ch/ioc/${ioc.id}/` })] : []),
    ...(/^https?:\/\//i.test(ioc.reference) ? [stix.makeExternalReference({ source_name: 'ThreatFox reference', url: ioc.reference })] : []),
  ];
  const observableOptions = { created_by_ref: opts.author.id, object_marking_refs: markings, labels, description };
  const observable =
    mapped.kind === 'hash' ? stix.makeFileObservable({ hashes: { [mapped.algorithm]: mapped.value } }, observableOptions) : stix.makeObservable(mapped.type, mapped.value, observableOptions);
  const patternSource = mapped.kind === 'hash' ? { type: `file:${mapped.algorithm}` as const, value: mapped.value } : { type: mapped.type, value: mapped.value };
  const indicator = stix.makeIndicator({
    ...common,
    observable: patternSource,
    name: ioc.ioc,
    description,
    labels,
    confidence: ioc.confidence_level,
    indicator_types: ['malicious-activity'],
    external_references: externalReferences.length > 0 ? externalReferences : undefined,
  });
  const out = [observable, indicator, stix.makeRelationship({ ...common, relationship_type: 'based-on', source_ref: indicator.id, target_ref: observable.id })];
  if (ioc.malware_printable !== '' && !UNKNOWN_MALWARE.test(ioc.malware_printable)) {
    const aliases = ioc.malware_aliases.filter((a) => a.toLowerCase() !== ioc.malware_printable.toLowerCase());
    const malware = stix.makeMalware({ ...common, name: ioc.malware_printable, is_family: true, aliases: aliases.length > 0 ? aliases : undefined });
    out.push(malware, stix.makeRelationship({ ...common, relationship_type: 'indicates', source_ref: indicator.id, target_ref: malware.id }));
  }
  return out;
}
