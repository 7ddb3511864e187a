/** Sleeps inside an invocation run on the virtual clock: the invocation's hold is released while it sleeps. */
import { InvocationHold, virtualTimersPromises } from '../../offline/invocation-timers';
import { VirtualClock } from '../../offline/virtual-clock';

it('a sleep inside an invocation moves the clock, not real time, while no other work holds it', async () => {
  const clock = new VirtualClock();
  const hold = new InvocationHold(clock);
  const virtualStart = clock.now();
  const realStart = Date.now();
  await hold.sleep(600_000);
  expect(clock.now() - virtualStart).toBeGreaterThanOrEqual(600_000);
  // Ten virtual minutes; far less than one real minute whatever the machine's load.
  expect(Date.now() - realStart).toBeLessThan(60_000);
  expect(clock.activity).toBe(1); // the invocation holds the clock again after its sleep
  hold.end();
  expect(clock.activity).toBe(0);
});

it('another invocation that holds the clock keeps a sleeper from jumping: it wakes in real time', async () => {
  const clock = new VirtualClock();
  const busy = clock.hold();
  const hold = new InvocationHold(clock);
  const realStart = Date.now();
  await hold.sleep(50);
  expect(Date.now() - realStart).toBeGreaterThanOrEqual(45);
  hold.end();
  busy();
});

it("timers/promises' setTimeout sleeps virtually inside an invocation and really outside, and honours an abort", async () => {
  const clock = new VirtualClock();
  let current: InvocationHold | undefined = new InvocationHold(clock);
  const timers = virtualTimersPromises(() => current);
  const start = clock.now();
  expect(await timers.setTimeout(120_000, 'value')).toBe('value');
  expect(clock.now() - start).toBeGreaterThanOrEqual(120_000);
  const aborted = new AbortController();
  aborted.abort(new Error('budget'));
  await expect(timers.setTimeout(1_000, undefined, { signal: aborted.signal })).rejects.toThrow('budget');
  current.end();
  current = undefined;
  const realStart = Date.now();
  await timers.setTimeout(20);
  expect(Date.now() - realStart).toBeGreaterThanOrEqual(15);
});
