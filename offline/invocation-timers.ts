/**
 * Sleeps inside an emulated Lambda invocation on the world's virtual clock. An invocation holds the clock while
 * it runs (lambda-emulator.ts); a sleep releases that hold for its length, so that while every running
 * invocation is asleep or done the clock may jump, and a retry's backoff costs no real time.
 *
 * Sandboxed code reaches it through `require('timers/promises')` (see ModuleLoader's `builtins`): the handler
 * sleeps its retry backoff with timers/promises' setTimeout (lambda/polite/polite-retry.ts) and nothing else in
 * the bundle uses that module, so request timeouts, socket timers and the poll's AbortSignal keep running in real
 * time, as the network does. Outside an invocation (no hold is current), the real timers/promises is used.
 */
import * as realTimers from 'timers/promises';
import { VirtualClock } from './virtual-clock';

/** The clock hold of one invocation, which its sleeps release while they sleep. */
export class InvocationHold {
  private release?: () => void;
  private sleeping = 0;
  private ended = false;

  constructor(private readonly clock: VirtualClock) {
    this.release = clock.hold();
  }

  /** Sleeps `ms` of virtual time, the invocation not holding the clock meanwhile (unless it ended). */
  public sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    return this.waitFor(abortable(this.clock.sleep(ms), signal));
  }

  /**
   * Waits for `work` that holds the clock itself while it runs (another invocation, which this one invoked
   * synchronously), not holding the clock meanwhile. Call it after `work` has taken its own hold.
   */
  public async waitFor<T>(work: Promise<T>): Promise<T> {
    this.sleeping += 1;
    if (this.sleeping === 1) {
      this.release?.();
      this.release = undefined;
    }
    try {
      return await work;
    } finally {
      this.sleeping -= 1;
      if (this.sleeping === 0 && !this.ended) this.release = this.clock.hold();
    }
  }

  /** The invocation ended: release the clock for good. */
  public end(): void {
    this.ended = true;
    this.release?.();
    this.release = undefined;
  }
}

function abortable(sleep: Promise<void>, signal?: AbortSignal): Promise<void> {
  if (!signal) return sleep;
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void sleep.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

/**
 * A `timers/promises` whose setTimeout sleeps on the virtual clock within the current invocation (`current()`),
 * and is the real one otherwise; the rest of the module is the real one.
 */
export function virtualTimersPromises(current: () => InvocationHold | undefined): typeof realTimers {
  const setTimeout = (async <T>(ms?: number, value?: T, options?: { signal?: AbortSignal }): Promise<T> => {
    const hold = current();
    if (!hold) return realTimers.setTimeout(ms, value as T, options);
    await hold.sleep(Math.max(0, Number(ms ?? 0)), options?.signal);
    return value as T;
  }) as typeof realTimers.setTimeout;
  return { ...realTimers, setTimeout };
}
