/**
 * The virtual clock under concurrency: sleepers wake in deadline order, time jumps only when nothing holds the
 * clock, and concurrent waits move it by the longest wait, not their sum. No assertion depends on machine speed:
 * the only real time involved is the few milliseconds the test's own code takes, bounded by what it measures.
 */
import { VirtualClock } from '../../offline/virtual-clock';

/** Real time that passes while the test's code runs also passes on the clock; it stays well under a second. */
const SLACK_MS = 1_000;

test('30 concurrent sleepers of various lengths wake in deadline order; the clock ends at the largest deadline, not the sum', async () => {
  const clock = new VirtualClock();
  // Real time first, virtual second: the real time between the two reads then counts in the bound below.
  const realStart = Date.now();
  const start = clock.now();
  const lengths = Array.from({ length: 30 }, (_, i) => ((i * 7919) % 30) * 1_000 + 15_000);
  const woke: number[] = [];
  await Promise.all(lengths.map((ms, i) => clock.sleep(ms).then(() => woke.push(i))));
  const sorted = [...lengths.keys()].sort((a, b) => lengths[a] - lengths[b] || a - b);
  expect(woke).toEqual(sorted);
  const elapsed = clock.now() - start;
  expect(elapsed).toBeGreaterThanOrEqual(Math.max(...lengths));
  expect(elapsed).toBeLessThan(Math.max(...lengths) + (Date.now() - realStart) + 1);
  expect(lengths.reduce((a, b) => a + b, 0)).toBeGreaterThan(elapsed * 10);
});

test('each sleeper wakes at exactly its own deadline when the world is quiet', async () => {
  const clock = new VirtualClock();
  const start = clock.now();
  const seen: [number, number][] = [];
  await Promise.all([45_000, 15_000, 30_000, 15_000].map((ms) => clock.sleep(ms).then(() => seen.push([ms, clock.now() - start]))));
  expect(seen.map(([ms]) => ms)).toEqual([15_000, 15_000, 30_000, 45_000]);
  for (const [ms, at] of seen) {
    expect(at).toBeGreaterThanOrEqual(ms);
    expect(at).toBeLessThan(ms + SLACK_MS);
  }
});

test('no jump while something holds the clock; the jump comes as soon as it is released', async () => {
  const clock = new VirtualClock();
  const release = clock.hold();
  const start = clock.now();
  let woke = false;
  const sleeping = clock.sleep(60_000).then(() => {
    woke = true;
  });
  // Let several event-loop turns pass: a quiet world would have jumped by now.
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  expect(woke).toBe(false);
  expect(clock.sleeping).toBe(1);
  expect(clock.now() - start).toBeLessThan(SLACK_MS);
  release();
  release(); // a second release is a no-op
  await sleeping;
  expect(clock.activity).toBe(0);
  expect(clock.now() - start).toBeGreaterThanOrEqual(60_000);
});

test('a sleeper whose deadline passes in real time wakes even while the world stays busy', async () => {
  const clock = new VirtualClock();
  const release = clock.hold();
  const start = clock.now();
  try {
    await clock.sleep(20);
    expect(clock.now() - start).toBeGreaterThanOrEqual(20);
  } finally {
    release();
  }
});

test('the sandboxed Date follows the clock and advance() wakes sleepers that became due', async () => {
  const clock = new VirtualClock();
  const VDate = clock.dateConstructor();
  const release = clock.hold();
  const sleeping = clock.sleep(3_600_000);
  clock.advance(3_600_000);
  await sleeping;
  release();
  // Real time is read before the virtual one each time: virtual = real + offset, and real time only moves on, so
  // the difference is at least the offset however long the two reads are apart (the other order raced by 1 ms).
  const before = Date.now();
  expect(VDate.now() - before).toBeGreaterThanOrEqual(3_600_000);
  const beforeNew = Date.now();
  expect(new VDate().getTime() - beforeNew).toBeGreaterThanOrEqual(3_600_000);
  expect(new VDate(0).getTime()).toBe(0);
  expect(Object.prototype.toString.call(new VDate())).toBe('[object Date]');
});

describe('a clock that stands still while the world is busy (load runs)', () => {
  it('does not move with real time, and moves by jumps to the next sleeper when the world is quiet', async () => {
    const clock = new VirtualClock(1000, { standsStillWhileBusy: true });
    const release = clock.hold();
    const start = clock.now();
    const realStart = Date.now();
    while (Date.now() - realStart < 30) {
      // busy work in real time
    }
    expect(clock.now()).toBe(start);
    let woke = false;
    const sleeping = clock.sleep(5_000).then(() => (woke = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(woke).toBe(false); // held: a deadline never passes in real time
    release();
    await sleeping;
    expect(clock.now()).toBe(start + 5_000);
  });

  it('wakes sleepers in deadline order, each at its own instant', async () => {
    const clock = new VirtualClock(1000, { standsStillWhileBusy: true });
    const start = clock.now();
    const seen: number[] = [];
    await Promise.all([3_000, 1_000, 2_000].map((ms) => clock.sleep(ms).then(() => seen.push(clock.now() - start))));
    expect(seen).toEqual([1_000, 2_000, 3_000]);
  });
});
