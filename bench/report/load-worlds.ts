/**
 * Load in each modelled world (bench/load-worlds.ts): how Lambda hands invocations to execution environments in each,
 * and the load targets run there: passed, calls made per call served, environments, virtual time used.
 */
import type { LambdaModel, MsRange, Spread } from '../../offline/execution-environments';
import { MAX_MADE_PER_SERVED } from '../load';
import { TARGET_WORLDS, WorldLoad, WorldRun } from '../load-worlds';
import { Cell, fmtInt, fmtS, table } from './format';
import { loadRunMeetsTarget, madePerServed } from './load';
import type { BenchResults } from './results';
import type { TargetRow } from './target-row';

const SOURCE_NAME = { proton: 'Proton', gitSync: 'Git sync' } as const;

const WORLD_TEXT: Readonly<Record<string, string>> = {
  fixed: 'the fixed load world: every invocation keeps its environment busy 50 ms and takes no time; the most recently used idle one is reused',
  lambda: 'Lambda-like, moderate churn',
  churn: 'Lambda-like, heavy churn',
  noMemory: 'every invocation a new environment: nothing a module keeps survives',
};

const spread = (s: Spread): string => `median ${s.medianMs} ms, σ ${s.sigma}, ≤ ${fmtInt(s.maxMs)} ms`;
const range = ([min, max]: MsRange): string => (max === 0 ? 'none' : `${fmtSeconds(min)}–${fmtSeconds(max)}`);
const fmtSeconds = (ms: number): string => (ms >= 60_000 ? `${ms / 60_000} min` : `${ms / 1000} s`);

function modelCells(m: LambdaModel | undefined): Cell[] {
  if (!m) return ['most recent idle', 'none', '50 ms (fixed, busy only)', 'for ever', 'for ever'];
  return [
    m.reuse ? `most recent idle ${Math.round(m.recentFirst * 100)}%, else any idle` : 'never reused',
    spread(m.initMs),
    spread(m.invocationMs),
    m.reuse ? range(m.idleMs) : 'none',
    m.reuse ? range(m.lifetimeMs) : 'one invocation',
  ];
}

const scenarioText = (r: WorldRun): string =>
  `${SOURCE_NAME[r.source]}, ${r.scenario === 'newSyncDue' ? 'new sync due first' : `${r.readsPerGate} reads`}, N = ${r.n}, ${r.rate.perSecond}/s burst ${r.rate.burst}`;

function verdict(world: string, r: WorldRun): string {
  const missed = r.failed > 0 ? `${r.failed} FAILED` : madePerServed(r) > MAX_MADE_PER_SERVED ? `made/served above ${MAX_MADE_PER_SERVED}` : '';
  if (!TARGET_WORLDS.includes(world as WorldLoad['world'])) return missed ? `not a target (${missed})` : 'not a target (all passed within the ratio)';
  return missed ? `**missed**: ${missed}` : 'met';
}

function runRow(w: WorldLoad, r: WorldRun, timeoutMs: number): Cell[] {
  return [
    w.world,
    scenarioText(r),
    r.failed === 0 ? `yes, ${r.success} of ${r.n}` : `**no**: ${r.success} of ${r.n}`,
    fmtInt(r.made),
    fmtInt(r.served),
    madePerServed(r).toFixed(2),
    fmtInt(r.environments),
    `${Math.round(r.virtualMs / 1000)} s of ${Math.round(timeoutMs / 1000)} s`,
    fmtS(r.realMs),
    verdict(w.world, r),
  ];
}

export function loadWorldsSection(r: Pick<BenchResults, 'load' | 'loadWorlds'>): string[] {
  const l = r.loadWorlds;
  if (!l) return [];
  const timeoutMs = r.load?.timeoutMs ?? 600_000;
  const noMemory = l.worlds.find((w) => w.world === 'noMemory');
  return [
    '## Load in each modelled world',
    '',
    `The load targets in each world the offline world models (bench/load-worlds.ts, offline/execution-environments.ts): the issue's targets ` +
      `at 1 request/s (burst 3), and its small world, 30 Proton gates at 0.2 request/s (burst 1), default props, all created at once. ` +
      `In the Lambda-like worlds a new environment is made only when every one is busy and first runs its Init (cold start); each ` +
      `invocation takes its own time before the waiter gets the answer, so the waiter's ticks drift apart; an idle environment is ` +
      `recycled after its idle time and any after its lifetime (each drawn per environment). Draws are seeded (seed ${l.seed}); the ` +
      `order in which invocations of the same virtual instant reach the fakes is the machine's, so a rerun can differ by a gate or ` +
      `a few calls. Environments: those the gate's isComplete function ran in.`,
    '',
    ...table(
      ['world', 'what it is', 'invocations go to', 'Init (cold start)', 'invocation time', 'idle kept', 'lifetime'],
      ['l', 'l', 'l', 'l', 'l', 'l', 'l'],
      l.worlds.map((w) => [w.world, WORLD_TEXT[w.world] ?? '', ...modelCells(w.model)]),
    ),
    '',
    ...table(
      ['world', 'scenario', 'all SUCCESS', 'calls made', 'calls served', 'made / served', 'environments', 'virtual time used', 'real time', 'target'],
      ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
      l.worlds.flatMap((w) => w.runs.map((x) => runRow(w, x, timeoutMs))),
    ),
    '',
    `Targets: in the fixed and the Lambda-like worlds (${TARGET_WORLDS.join(', ')}), every gate passes with at most ${MAX_MADE_PER_SERVED} ` +
      `calls made per call served. Used: ${fmtS(l.realMs)} of real time.`,
    ...(noMemory
      ? [
          '',
          `When no environment remembers anything (noMemory), no environment ever holds a read back: each learns from at most one ` +
            `answer and is gone. Every verdict still comes from the reads (none rests on memory); each gate reads once per poll ` +
            `interval, throttled or not, so the gates make about N / (poll interval × rate) calls per call served while they ` +
            `wait, and a gate fails when the API served too few of its reads before its deadline: ` +
            noMemory.runs.map((x) => `${scenarioText(x)}: ${x.success} of ${x.n} passed, made/served ${madePerServed(x).toFixed(2)}`).join('; ') +
            '.',
        ]
      : []),
    '',
  ];
}

/** One target row per target world: every run there all pass within the ratio. */
export function loadWorldTargets(r: BenchResults): TargetRow[] {
  return TARGET_WORLDS.map((world) => {
    const target = `the load targets and the small world all pass in the ${world} world, at most ${MAX_MADE_PER_SERVED} calls made per call served`;
    const w = r.loadWorlds?.worlds.find((x) => x.world === world);
    if (!w || w.runs.length === 0) return { target, measured: 'not measured', verdict: undefined, note: '' };
    const met = w.runs.filter(loadRunMeetsTarget);
    const worst = Math.max(...w.runs.map(madePerServed));
    const missed = w.runs.filter((x) => !loadRunMeetsTarget(x));
    return {
      target,
      measured: `${met.length} of ${w.runs.length} runs met; ${w.runs.reduce((n, x) => n + x.success, 0)} of ${w.runs.reduce((n, x) => n + x.n, 0)} gates passed; worst made/served ${worst.toFixed(2)}`,
      verdict: missed.length === 0,
      note: missed.map((x) => `${scenarioText(x)}: ${x.failed > 0 ? `${x.failed} FAILED` : `made/served ${madePerServed(x).toFixed(2)}`}`).join('; '),
    };
  });
}
