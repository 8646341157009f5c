/**
 * Asks `source` for its next item as soon as the current one is handed out, so that fetching page k+1 overlaps the
 * delivery of page k instead of waiting for it. At most one item is held ahead: memory stays two pages, whatever the
 * collection's size. Nothing about checkpoints changes: a page's checkpoint still reaches the runtime only after the
 * page before it was delivered, and a page fetched ahead but never handed out is simply fetched again on resume.
 */
export async function* readAhead<T>(source: AsyncGenerator<T>): AsyncGenerator<T> {
  const pull = (): Promise<IteratorResult<T>> => {
    const next = source.next();
    // if the consumer stops first, nobody awaits this one: its failure (an aborted request) is not an error then
    next.catch(() => undefined);
    return next;
  };
  let pending = pull();
  try {
    for (;;) {
      const result = await pending;
      if (result.done) return;
      pending = pull();
      yield result.value;
    }
  } finally {
    // closes the source once its in-flight step settles; never waits for it (a shutdown must not hang on a request)
    void source.return(undefined).catch(() => undefined);
  }
}
