/**
 * Many gates under a 1 request/s API (burst 3), in the heavy-churn Lambda-like world (offline/load-scenario.ts,
 * offline/execution-environments.ts: the real Provider framework runtime and handler bundle, a clock that stands
 * still while the world is busy, cold starts, invocation times that vary, a new environment whenever all are busy,
 * idle ones recycled after seconds and every one retired within minutes), with default props: every gate passes,
 * and the gates make at most 2 calls per call the API serves because the execution environments hold reads back
 * instead of sending what the API would throttle (lambda/polite/api-pace.ts). The full targets (180 gates
 * per source) run in every modelled world in `npm run bench` (docs/benchmarks.md); these are the same runs at sizes
 * the test suite can afford.
 */
import { LAMBDA_MODELS } from '../../offline/execution-environments';
import { LoadRun, readsPerGate, runLoad } from '../../offline/load-scenario';
import { synthExampleApp } from '../../offline/synth';
import { BOTH_GATES_CONTEXT, PROTON_ONLY_CONTEXT } from '../support/scenarios';

const RATE = { perSecond: 1, burst: 3 };
const TIMEOUT_MS = 600_000;
const CHURN = LAMBDA_MODELS.churn;

const runs: Record<string, LoadRun> = {};

beforeAll(async () => {
  const [proton, gitSync] = synthExampleApp([PROTON_ONLY_CONTEXT, BOTH_GATES_CONTEXT]);
  runs.proton = await runLoad(proton, { source: 'proton', scenario: 'reads', n: 90, rate: RATE, world: 'churn' });
  runs.newSyncDue = await runLoad(gitSync, { source: 'gitSync', scenario: 'newSyncDue', n: 75, rate: RATE, world: 'churn' });
}, 240_000);

describe.each(['proton', 'newSyncDue'])('%s', (name) => {
  test('every gate passes within its timeout', () => {
    const run = runs[name];
    expect(run.failureReasons).toEqual([]);
    expect(run.success).toBe(run.n);
    expect(run.virtualMs).toBeLessThan(TIMEOUT_MS + 30_000);
  });

  test('the API served every read the gates needed, and the gates made at most 2 calls per call served', () => {
    const run = runs[name];
    expect(run.served).toBeGreaterThanOrEqual(run.n * (name === 'proton' ? readsPerGate({ scenario: 'reads' }) : 5));
    expect(run.made).toBeLessThanOrEqual(2 * run.served);
  });

  test('ran in a world that churns: environments retire within their lifetime and are replaced, and a gate\'s next tick mostly runs elsewhere', () => {
    const run = runs[name];
    const first = run.gateInvocations[0].virtualStartedAt;
    expect(run.gateInvocations.filter((i) => !i.requestTag || !i.environment)).toEqual([]);
    const byEnvironment = new Map<number, number[]>();
    for (const i of run.gateInvocations) byEnvironment.set(i.environment!, [...(byEnvironment.get(i.environment!) ?? []), i.virtualStartedAt]);
    // The churn model's lifetimes are 1 to 5 minutes: no environment serves longer, and new ones are made after the
    // shortest lifetime (the run's length, 4.5 to 5.5 virtual minutes, depends on the machine's order of same-instant calls).
    for (const starts of byEnvironment.values()) expect(Math.max(...starts) - Math.min(...starts)).toBeLessThanOrEqual(CHURN.lifetimeMs[1]);
    const late = run.gateInvocations.filter((i) => i.coldStart && i.virtualStartedAt - first > CHURN.lifetimeMs[0]);
    expect(late.length).toBeGreaterThan(0);
    // What the gates could not rely on: the environment that ran a gate's previous tick runs its next one.
    const lastEnvironment = new Map<string, number>();
    let moved = 0;
    let followed = 0;
    for (const i of run.gateInvocations) {
      const previous = lastEnvironment.get(i.requestTag!);
      if (previous !== undefined) {
        followed += 1;
        if (previous !== i.environment) moved += 1;
      }
      lastEnvironment.set(i.requestTag!, i.environment!);
    }
    expect(followed).toBeGreaterThan(run.n);
    expect(moved / followed).toBeGreaterThan(0.5);
  });

  test('the environments held reads back rather than sending them: the API throttled far fewer calls than the gates asked for', () => {
    const run = runs[name];
    const heldBack = run.outcomes.reduce((n, o) => n + o.logs.filter((l) => l.includes('read held back')).length, 0);
    expect(heldBack).toBeGreaterThan(run.n);
    expect(run.throttled).toBeLessThan(run.served);
  });
});
