import { dateCursorBatches, initialDateCursor, isAfterDateCursor } from '../date-cursor';

describe('date cursor', () => {
  const records = [
    { d: '2024-01-01T00:00:00.000Z', id: 'a' },
    { d: '2024-01-02T00:00:00.000Z', id: 'b' },
    { d: '2024-01-02T00:00:00.000Z', id: 'c' },
    { d: '2024-01-03T00:00:00.000Z', id: 'd' },
    { d: '2024-01-03T00:00:00.000Z', id: 'e' },
  ];
  const position = (r: { d: string; id: string }) => ({ date: r.d, id: r.id });

  it('cuts sorted records into batches, each with the cursor once it is delivered', () => {
    const batches = [...dateCursorBatches(records, initialDateCursor(), 2, position)];
    expect(batches.map((b) => b.records.map((r) => r.id))).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(batches.map((b) => b.cursor)).toEqual([
      { date: '2024-01-02T00:00:00.000Z', ids_at_date: ['b'] },
      { date: '2024-01-03T00:00:00.000Z', ids_at_date: ['d'] },
      { date: '2024-01-03T00:00:00.000Z', ids_at_date: ['d', 'e'] },
    ]);
  });

  it('a record sharing the committed date is new only with an unseen id', () => {
    const cursor = { date: '2024-01-02T00:00:00.000Z', ids_at_date: ['b'] };
    expect(records.filter((r) => isAfterDateCursor(cursor, r.d, r.id)).map((r) => r.id)).toEqual(['c', 'd', 'e']);
  });

  it('yields nothing for no records', () => {
    expect([...dateCursorBatches([], initialDateCursor(), 10, position)]).toEqual([]);
  });
});
