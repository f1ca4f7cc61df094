/**
 * The one wait of the tests: poll until something is true. Tests wait for states, never for
 * exact timings, so the bounds are generous.
 */

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `probe` every `everyMs` until it returns a truthy value, and returns that value. A probe
 * that throws counts as not done yet (a server still starting, a query before the workflow
 * exists); after `timeoutMs` the wait fails with `what` and the last error.
 */
export async function eventually<T>(probe: () => Promise<T> | T, what: string, timeoutMs = 60_000, everyMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await sleep(everyMs);
  }
}
