import { readAhead } from '../read-ahead';

/** A source that records when each item is asked for, and can fail at a given step. */
function source(count: number, failAt?: number): { gen: AsyncGenerator<number>; asked: number[]; closed: () => boolean } {
  const asked: number[] = [];
  let closed = false;
  async function* gen(): AsyncGenerator<number> {
    try {
      for (let i = 0; i < count; i++) {
        asked.push(i);
        await Promise.resolve();
        if (i === failAt) throw new Error(`step ${i} failed`);
        yield i;
      }
    } finally {
      closed = true;
    }
  }
  return { gen: gen(), asked, closed: () => closed };
}

describe('readAhead', () => {
  it('asks for the next item while the current one is being used, holding at most one ahead', async () => {
    const s = source(4);
    const seen: Array<{ item: number; askedSoFar: number }> = [];
    for await (const item of readAhead(s.gen)) seen.push({ item, askedSoFar: s.asked.length });
    expect(seen).toEqual([
      { item: 0, askedSoFar: 2 },
      { item: 1, askedSoFar: 3 },
      { item: 2, askedSoFar: 4 },
      { item: 3, askedSoFar: 4 },
    ]);
  });

  it('hands out every item before the failure that followed it, then the failure', async () => {
    const s = source(5, 2);
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const item of readAhead(s.gen)) got.push(item);
      })(),
    ).rejects.toThrow('step 2 failed');
    expect(got).toEqual([0, 1]);
  });

  it('closes the source when the consumer stops early, without an unhandled rejection from the item fetched ahead', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const s = source(5, 1);
      for await (const item of readAhead(s.gen)) {
        expect(item).toBe(0);
        break;
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(s.closed()).toBe(true);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
