import type { StixObject } from './types';

/** The five TLP 2.0 markings as OpenCTI knows them, with their fixed ids (protocol facts, section 4). */
export const TLP_NAMES = ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED'] as const;
export type TlpName = (typeof TLP_NAMES)[number];

const TLP_IDS: Record<TlpName, string> = {
  'TLP:CLEAR': 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
  'TLP:GREEN': 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
  'TLP:AMBER': 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
  'TLP:AMBER+STRICT': 'marking-definition--826578e1-40ad-459f-bc73-ede076f81f37',
  'TLP:RED': 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
};

/** `tlp:green`, `GREEN`, `TLP:WHITE` (read as CLEAR) ... to the canonical name; throws on anything else. */
export function normalizeTlp(raw: string): TlpName {
  let text = raw.trim().toUpperCase().replace(/\s+/g, '');
  if (!text.startsWith('TLP:')) text = `TLP:${text}`;
  if (text === 'TLP:WHITE') text = 'TLP:CLEAR';
  if (text === 'TLP:AMBER_STRICT' || text === 'TLP:AMBERSTRICT') text = 'TLP:AMBER+STRICT';
  if (!(TLP_NAMES as readonly string[]).includes(text)) throw new Error(`"${raw}" is not a TLP marking (${TLP_NAMES.join(', ')})`);
  return text as TlpName;
}

export function tlpMarkingId(name: string): string {
  return TLP_IDS[normalizeTlp(name)];
}

/** The marking-definition object OpenCTI expects for a TLP name (interfaces: "TLP markings"). */
export function tlpMarking(name: string): StixObject {
  const tlp = normalizeTlp(name);
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP_IDS[tlp],
    created: '2017-01-20T00:00:00.000Z',
    definition_type: 'tlp',
    name: tlp,
    definition: { tlp: tlp.slice(4).toLowerCase() },
  };
}
