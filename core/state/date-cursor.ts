/**
 * A date cursor that loses nothing when several records share a date: it keeps the newest date delivered and the
 * ids delivered at exactly that date. A record is new when it is strictly newer, or at that date with an unseen id.
 * Records must be offered in ascending date order to `advanceDateCursor`.
 */
export interface DateCursor {
  /** ISO-8601 UTC; '' = nothing delivered yet */
  date: string;
  ids_at_date: string[];
}

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
