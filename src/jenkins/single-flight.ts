// Single-flight for the requests many triggers make alike (docs/jenkins.md §3 and §6): the crumb
// and the job metadata. Calls for the same key within one window (1 s) share one request and
// its result, whether it is still under way or has just arrived. It is not a cache: a result
// whose request started longer ago than the window is never handed out, so without
// useCrumbCache and useJobInfoCache every caller still sees an answer from the last second.
// A failed request is shared only with the calls already waiting for it.

interface Flight<V> {
  readonly startedAt: number;
  readonly promise: Promise<V>;
  /** The leader's signal: when it aborted the request, the others send their own. */
  readonly signal: AbortSignal | undefined;
  settled: boolean;
  value?: V;
}

export const SINGLE_FLIGHT_WINDOW_MS = 1000;

export class SingleFlight<V> {
  private readonly flights = new Map<string, Flight<V>>();
  private sweptAt: number;

  constructor(
    private readonly windowMs = SINGLE_FLIGHT_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.sweptAt = now();
  }

  /**
   * `send`'s result for `key`: the request of another call for the same key that started less
   * than the window ago is joined, else `send` runs. `signal` is this caller's: it stops the
   * wait (rethrowing its reason) without touching a request that others wait for.
   */
  async run(key: string, send: () => Promise<V>, signal?: AbortSignal): Promise<V> {
    this.sweep();
    const flight = this.flights.get(key);
    if (!flight || !this.fresh(flight)) return this.lead(key, send, signal);
    try {
      return await abortable(flight.promise, signal);
    } catch (e) {
      // The leader was cancelled (its trigger aborted): that is not this caller's answer.
      if (flight.signal?.aborted && !signal?.aborted) return this.run(key, send, signal);
      throw e;
    }
  }

  /** Drops the result for `key` if it is `stale` (a crumb Jenkins refused), so the next call asks again. */
  forget(key: string, stale: V): void {
    const flight = this.flights.get(key);
    if (flight?.settled && flight.value === stale) this.flights.delete(key);
  }

  private lead(key: string, send: () => Promise<V>, signal: AbortSignal | undefined): Promise<V> {
    const flight: Flight<V> = { startedAt: this.now(), promise: send(), signal, settled: false };
    this.flights.set(key, flight);
    flight.promise.then(
      (value) => {
        flight.settled = true;
        flight.value = value;
      },
      () => {
        if (this.flights.get(key) === flight) this.flights.delete(key);
      },
    );
    return flight.promise;
  }

  private fresh(flight: Flight<V>): boolean {
    return this.now() - flight.startedAt < this.windowMs;
  }

  /** Forgets finished flights past the window, at most once a window. */
  private sweep(): void {
    if (this.now() - this.sweptAt < this.windowMs) return;
    this.sweptAt = this.now();
    for (const [key, flight] of this.flights) if (flight.settled && !this.fresh(flight)) this.flights.delete(key);
  }
}

function abortable<V>(promise: Promise<V>, signal: AbortSignal | undefined): Promise<V> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<V>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
