/**
 * Wraps a read so that calls made while one is in flight share its result instead of starting
 * another: a burst of scrapes or page loads costs one set of queries, and the answer is never
 * older than the call that was already running.
 */
export function shareInFlight<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return () => {
    inFlight ??= read().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
