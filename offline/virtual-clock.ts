/**
 * Compressed time for the offline world. Waits that AWS would make (Step Functions retry intervals) take
 * `virtualMs / timeScale` real milliseconds, and the clock that the emulated Lambda functions see (their `Date`)
 * moves by the full virtual amount, so a 10-minute gate timeout passes in well under a second while the handler
 * still computes 10 minutes from `Date.now()`. Everything else (SDK timeouts and retry backoff, network) runs
 * in real time.
 */
import * as vm from 'vm';

/** The main realm's Date: code loaded by the Lambda emulator runs in the main realm (see lambda-emulator.ts). */
const MainDate: DateConstructor = vm.runInThisContext('Date');

export class VirtualClock {
  private offsetMs = 0;

  /** @param timeScale virtual milliseconds per real millisecond during {@link sleep} (default 1000: 15 s take 15 ms). */
  constructor(public readonly timeScale = 1000) {
    if (!(timeScale >= 1)) throw new Error(`timeScale must be >= 1, got ${timeScale}`);
  }

  /** Virtual now, in ms since the epoch: real time plus everything skipped by {@link sleep}. */
  public now(): number {
    return MainDate.now() + this.offsetMs;
  }

  /** How far virtual time is ahead of real time. */
  public get skippedMs(): number {
    return this.offsetMs;
  }

  /** Moves virtual time forward without waiting. */
  public advance(virtualMs: number): void {
    this.offsetMs += virtualMs;
  }

  /** Waits `virtualMs` of virtual time, which takes `virtualMs / timeScale` real ms. */
  public async sleep(virtualMs: number): Promise<void> {
    const start = MainDate.now();
    await new Promise((resolve) => setTimeout(resolve, virtualMs / this.timeScale));
    const slept = MainDate.now() - start;
    // Whatever the timer really took, the virtual clock moves by exactly virtualMs across the wait.
    this.offsetMs += virtualMs - slept;
  }

  /**
   * A `Date` constructor for sandboxed code that reads this clock: `Date.now()` and `new Date()` give virtual
   * now; everything else is the real Date (instances are real Dates, `instanceof Date` holds).
   */
  public dateConstructor(): DateConstructor {
    // Arrow functions, so `this` is the clock rather than the proxy handler.
    return new Proxy(MainDate, {
      construct: (target, args, newTarget) => Reflect.construct(target, args.length === 0 ? [this.now()] : args, newTarget),
      apply: () => new MainDate(this.now()).toString(),
      get: (target, prop, receiver) => {
        if (prop === 'now') return () => this.now();
        return Reflect.get(target, prop, receiver);
      },
    });
  }
}
