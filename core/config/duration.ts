/**
 * ISO-8601 durations (`PT1H`, `P1D`, `P1DT12H`, `PT0.5S`) to milliseconds. `0` means "no period" (run once).
 * Years and months are refused: their length depends on the calendar, and a schedule must not.
 */
const ISO_DURATION = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

export function parseIsoDuration(raw: string): number {
  const text = raw.trim();
  if (text === '0') return 0;
  if (/^\d+(\.\d+)?$/.test(text)) throw new Error(`a bare number is not a duration (use PT${text}S)`);
  if (/^P\d+(\.\d+)?[YM]/i.test(text)) throw new Error('years and months are not fixed lengths (use days, e.g. P30D)');
  const m = ISO_DURATION.exec(text);
  if (!m || text === 'P' || /T$/i.test(text)) throw new Error(`"${text}" is not an ISO-8601 duration (e.g. PT1H, P1D)`);
  const [, w, d, h, min, s] = m.map((x) => (x === undefined ? 0 : Number(x)));
  return Math.round(((((w as number) * 7 + (d as number)) * 24 + (h as number)) * 60 + (min as number)) * 60 * 1000 + (s as number) * 1000);
}

export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  return `PT${ms / 1000}S`;
}
