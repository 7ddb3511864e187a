/**
 * Virtual time for the offline world, correct with any number of concurrent waits and independent of machine
 * speed. The rule:
 *
 * - Virtual now = real now + an offset. Real time that passes while code runs passes on the virtual clock too.
 * - {@link sleep} registers a sleeper with a virtual deadline. Sleepers wake in deadline order (ties in the order
 *   they went to sleep).
 * - When the world is quiet (no activity {@link hold}s the clock: the world holds it for every running Lambda
 *   invocation) and someone sleeps, virtual time jumps to the earliest deadline and that sleeper wakes: waits
 *   cost no real time at all, and 30 concurrent 15-second waits move the clock 15 s, not 450 s.
 * - While the world is busy, no jump happens; a sleeper whose deadline passes in real time wakes then.
 *
 * The functions see this clock as their `Date` ({@link dateConstructor}); fake services read it for their Date
 * headers and rate limits. SDK timeouts, retry backoff and the network run in real time (and so move the clock).
 */
import * as vm from 'vm';

/** The main realm's Date: code loaded by the Lambda emulator runs in the main realm (see lambda-emulator.ts). */
const MainDate: DateConstructor = vm.runInThisContext('Date');

export interface VirtualClockOptions {
  /**
   * Virtual time moves only by jumps: the code that runs takes no virtual time, whatever this machine's speed or
   * load, and sleepers wake only when the world is quiet (a discrete-event simulation). For load runs, where
   * hundreds of concurrent waits on a loaded two-core machine would otherwise take the host's time: a delay that
   * falls on many executions at once pulls their next steps onto the same instant. What runs for real (SDK request
   * timeouts, AbortSignal.timeout) then no longer moves the clock. Default false.
   */
  readonly standsStillWhileBusy?: boolean;
}

interface Sleeper {
  readonly deadline: number;
  readonly seq: number;
  readonly wake: () => void;
  timer?: NodeJS.Timeout;
}

export class VirtualClock {
  private offsetMs = 0;
  private holds = 0;
  private sequence = 0;
  private checkPending = false;
  /** Sorted by deadline, then by seq. */
  private readonly sleepers: Sleeper[] = [];

  /**
   * @param timeScale no longer used: waits cost no real time when the world is quiet. Accepted so that callers
   *   written for the compressed clock (`new VirtualClock(1000)`, `OfflineWorld.start({ timeScale })`) still compile.
   */
  /** In a clock that stands still while the world is busy: virtual now. */
  private stoppedAt: number | undefined;

  constructor(
    public readonly timeScale = 1000,
    options: VirtualClockOptions = {},
  ) {
    if (!(timeScale >= 1)) throw new Error(`timeScale must be >= 1, got ${timeScale}`);
    if (options.standsStillWhileBusy) this.stoppedAt = MainDate.now();
  }

  /** Virtual now, in ms since the epoch: real time plus every jump (or only the jumps, see VirtualClockOptions). */
  public now(): number {
    return this.stoppedAt !== undefined ? this.stoppedAt + this.offsetMs : MainDate.now() + this.offsetMs;
  }

  /** How far virtual time is ahead of real time. */
  public get skippedMs(): number {
    return this.offsetMs;
  }

  /** How many activities hold the clock (running Lambda invocations, in the world). */
  public get activity(): number {
    return this.holds;
  }

  /** How many sleepers wait. */
  public get sleeping(): number {
    return this.sleepers.length;
  }

  /** Moves virtual time forward without waiting (sleepers now due wake). */
  public advance(virtualMs: number): void {
    this.offsetMs += virtualMs;
    this.wakeDue();
  }

  /**
   * Marks the world busy until the returned function is called (once): no jump happens meanwhile. The Lambda
   * emulator holds the clock for every invocation, from its start to its end.
   */
  public hold(): () => void {
    this.holds += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds -= 1;
      if (this.holds === 0) this.scheduleCheck();
    };
  }

  /** Waits `virtualMs` of virtual time: no real time when the world is quiet, real time while it is busy. */
  public sleep(virtualMs: number): Promise<void> {
    const deadline = this.now() + Math.max(0, virtualMs);
    return new Promise<void>((resolve) => {
      const sleeper: Sleeper = { deadline, seq: ++this.sequence, wake: resolve };
      let i = this.sleepers.length;
      while (i > 0 && this.sleepers[i - 1].deadline > deadline) i--;
      this.sleepers.splice(i, 0, sleeper);
      // Real time passes on the virtual clock: a sleeper is due at its deadline even if the world never gets quiet.
      if (this.stoppedAt === undefined) {
        sleeper.timer = setTimeout(() => this.wakeDue(), Math.min(2 ** 31 - 1, Math.max(0, deadline - this.now())));
        sleeper.timer.unref();
      }
      this.scheduleCheck();
    });
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

  /**
   * Checks for quiet after the current macrotask: by then, code woken or released has run its synchronous part
   * and microtasks (an invocation started in reaction holds the clock again before the check runs).
   */
  private scheduleCheck(): void {
    if (this.checkPending) return;
    this.checkPending = true;
    setImmediate(() => {
      this.checkPending = false;
      if (this.holds > 0 || this.sleepers.length === 0) return;
      const ahead = this.sleepers[0].deadline - this.now();
      if (ahead > 0) this.offsetMs += ahead;
      this.wakeDue();
    });
  }

  /** Wakes every sleeper whose deadline has come, earliest first, and looks for quiet again. */
  private wakeDue(): void {
    const now = this.now();
    while (this.sleepers.length > 0 && this.sleepers[0].deadline <= now) {
      const sleeper = this.sleepers.shift()!;
      clearTimeout(sleeper.timer);
      sleeper.wake();
    }
    if (this.sleepers.length > 0 && this.holds === 0) this.scheduleCheck();
  }
}
