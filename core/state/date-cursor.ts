/**
 * A date cursor that loses nothing when several records share a date: it keeps the newest date delivered and the
 * ids delivered at exactly that date. A record is new when it is strictly newer, or at that date with an unseen id.
 * Records must be offered in ascending date order to `advanceDateCursor`.
 */
// A type alias, not an interface, so that it is assignable to a connector's state (Record<string, unknown>).
export type DateCursor = {
  /** ISO-8601 UTC; '' = nothing delivered yet */
  date: string;
  ids_at_date: string[];
};

export function initialDateCursor(fromDate?: string): DateCursor {
  return { date: fromDate ?? '', ids_at_date: [] };
}

export function isAfterDateCursor(cursor: DateCursor, date: string, id: string): boolean {
  if (date > cursor.date) return true;
  return date === cursor.date && !cursor.ids_at_date.includes(id);
}

/** The cursor after delivering one record (returns a new object; the input is never mutated). */
export function advanceDateCursor(cursor: DateCursor, date: string, id: string): DateCursor {
  if (date > cursor.date) return { date, ids_at_date: [id] };
  if (date === cursor.date && !cursor.ids_at_date.includes(id)) return { date, ids_at_date: [...cursor.ids_at_date, id] };
  return cursor;
}

/**
 * Cuts records (already filtered to the new ones and sorted by ascending date) into batches of `size`, each with the
 * cursor as it stands once that batch is delivered: the checkpoint to yield with it.
 */
export function* dateCursorBatches<T>(
  records: readonly T[],
  start: DateCursor,
  size: number,
  positionOf: (record: T) => { date: string; id: string },
): Generator<{ records: T[]; cursor: DateCursor }> {
  let cursor = start;
  for (let i = 0; i < records.length; i += size) {
    const slice = records.slice(i, i + size);
    for (const record of slice) {
      const p = positionOf(record);
      cursor = advanceDateCursor(cursor, p.date, p.id);
    }
    yield { records: slice, cursor: { ...cursor } };
  }
}
