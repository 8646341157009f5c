import { advanceCursor, emptyCursor, LATE_WINDOW_MS, MAX_REMEMBERED, readCursor, rememberedIndex, verdict, type FeedCursor } from '../cursor';

const RUN = '2024-05-01T00:00:00.000Z';
const at = (iso: string, key: string) => ({ key, date: iso });
const judge = (c: FeedCursor, key: string, date: string) => verdict(rememberedIndex(c), c, key, date);

describe('feed cursor', () => {
  it('tells apart items that share the newest date by key, so the second one is sent once', () => {
    const d = '2024-04-20T10:00:00.000Z';
    const afterFirst = advanceCursor(emptyCursor(), [at(d, 'a')], RUN);
    expect(afterFirst).toEqual({ current_state_date: d, remembered: { [d]: ['a'] }, remembered_since: '2024-03-21T10:00:00.000Z' });
    expect(judge(afterFirst, 'a', d)).toBe('sent');
    expect(judge(afterFirst, 'b', d)).toBe('new');
    const afterSecond = advanceCursor(afterFirst, [at(d, 'b')], RUN);
    expect(afterSecond.remembered[d]).toEqual(['a', 'b']);
    expect(judge(afterSecond, 'b', d)).toBe('sent');
  });

  it('sends a late item dated inside the 30-day window once, and takes older ones as sent', () => {
    const c = advanceCursor(emptyCursor(), [at('2024-04-20T10:00:00.000Z', 'new')], RUN);
    expect(judge(c, 'late', '2024-04-01T00:00:00.000Z')).toBe('new');
    expect(judge(advanceCursor(c, [at('2024-04-01T00:00:00.000Z', 'late')], RUN), 'late', '2024-04-01T00:00:00.000Z')).toBe('sent');
    expect(judge(c, 'ancient', '2024-03-01T00:00:00.000Z')).toBe('older-than-window');
  });

  it('never moves the date past the run start, yet remembers a future-dated item', () => {
    const future = '2030-01-01T00:00:00.000Z';
    const c = advanceCursor(emptyCursor(), [at(future, 'f')], RUN);
    expect(c.current_state_date).toBe(RUN);
    expect(judge(c, 'f', future)).toBe('sent');
  });

  it('forgets keys that fall out of the window and never lowers the window start', () => {
    const c1 = advanceCursor(emptyCursor(), [at('2024-01-01T00:00:00.000Z', 'old')], RUN);
    const c2 = advanceCursor(c1, [at('2024-04-20T00:00:00.000Z', 'new')], RUN);
    expect(c2.remembered).toEqual({ '2024-04-20T00:00:00.000Z': ['new'] });
    expect(c2.remembered_since).toBe(new Date(Date.parse('2024-04-20T00:00:00.000Z') - LATE_WINDOW_MS).toISOString());
    expect(advanceCursor(c2, [], RUN).remembered_since).toBe(c2.remembered_since);
  });

  it('stays bounded by dropping whole dates, oldest first, and raising the window start to the oldest kept date', () => {
    const base = Date.parse('2024-04-20T00:00:00.000Z');
    const entries = Array.from({ length: MAX_REMEMBERED + 10 }, (_, i) => at(new Date(base + Math.floor(i / 2) * 1000).toISOString(), `k${i}`));
    const c = advanceCursor(emptyCursor(), entries, RUN);
    const kept = Object.values(c.remembered).reduce((n, keys) => n + keys.length, 0);
    expect(kept).toBe(MAX_REMEMBERED);
    expect(c.remembered_since).toBe(new Date(base + 5000).toISOString());
    expect(judge(c, 'k0', entries[0]!.date)).toBe('older-than-window');
    expect(judge(c, 'k10', entries[10]!.date)).toBe('sent');
  });

  it('reads a malformed saved cursor as a fresh one', () => {
    expect(readCursor(undefined)).toEqual(emptyCursor());
    expect(readCursor({ current_state_date: 5, remembered: { d: ['a', 3], e: 'x' } })).toEqual({ current_state_date: '', remembered: { d: ['a'] }, remembered_since: '' });
  });
});
