/**
 * Execution environments in the Lambda emulator with a modelled invocation time (load runs): an environment is
 * busy for invocationMs of virtual time from its invocation's start, so invocations closer together than that need
 * another environment, and later ones reuse the most recently used free one. Under a LambdaModel
 * (execution-environments.ts), a new environment's Init and each invocation's own time pass on the virtual clock,
 * and idle ones are recycled.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LambdaModel } from '../../offline/execution-environments';
import { EnvironmentReuse, FakeLambda } from '../../offline/lambda-emulator';
import { VirtualClock } from '../../offline/virtual-clock';

let dir: string;
let clock: VirtualClock;
let lambda: FakeLambda;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-envs-'));
  // Module memory: how many invocations this environment has served.
  fs.writeFileSync(path.join(dir, 'index.js'), 'let served = 0;\nexports.handler = async () => ({ served: ++served });\n');
  clock = new VirtualClock(1000, { standsStillWhileBusy: true });
  lambda = await FakeLambda.start({ clock, region: 'us-east-1', invocationMs: 50 });
});

afterEach(async () => {
  await lambda.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function invokeAt(offsetsMs: number[]): Promise<(number | undefined)[]> {
  const start = clock.now();
  for (const at of offsetsMs) {
    await clock.sleep(start + at - clock.now());
    await lambda.invoke('fn', {});
  }
  return lambda.invocations.map((i) => i.environment);
}

const FN = {
  name: 'fn',
  arn: 'arn:aws:lambda:us-east-1:123456789012:function:fn',
  handler: 'index.handler',
  codeDir: '',
  runtime: 'nodejs24.x',
  environment: {},
  timeoutSeconds: 3,
  memoryMb: 128,
  logGroupName: '/aws/lambda/fn',
};

/** Invokes `fn` one after another, each on a quiet world, in a Lambda that hands out environments by `reuse`. */
async function servedCounts(reuse: EnvironmentReuse, invocations: number, seed?: number): Promise<{ served: number[]; environments: number[] }> {
  const own = await FakeLambda.start({ clock: new VirtualClock(1000), region: 'us-east-1', environments: reuse, seed });
  try {
    own.register({ ...FN, codeDir: dir });
    const served: number[] = [];
    for (let i = 0; i < invocations; i++) served.push(((await own.invoke('fn', {})).payload as { served: number }).served);
    return { served, environments: own.invocations.map((i) => i.environment!) };
  } finally {
    await own.close();
  }
}

describe('environment reuse', () => {
  it('warm: every invocation after the first reuses the one environment, which remembers', async () => {
    expect(await servedCounts('warm', 5)).toEqual({ served: [1, 2, 3, 4, 5], environments: [1, 1, 1, 1, 1] });
  });

  it('fresh: every invocation runs in a new environment, which remembers nothing', async () => {
    expect(await servedCounts('fresh', 5)).toEqual({ served: [1, 1, 1, 1, 1], environments: [1, 2, 3, 4, 5] });
  });

  it('mixed: some invocations reuse an environment and some start a new one; the same seed gives the same sequence', async () => {
    const a = await servedCounts('mixed', 40, 7);
    const reused = a.served.filter((n) => n > 1).length;
    expect(reused).toBeGreaterThan(5);
    expect(reused).toBeLessThan(35);
    expect(new Set(a.environments).size).toBeGreaterThan(2);
    expect(await servedCounts('mixed', 40, 7)).toEqual(a);
    expect((await servedCounts('mixed', 40, 8)).environments).not.toEqual(a.environments);
  });
});

it('invocations closer than invocationMs on the virtual clock each need an environment; later ones reuse one', async () => {
  lambda.register({
    name: 'fn',
    arn: 'arn:aws:lambda:us-east-1:123456789012:function:fn',
    handler: 'index.handler',
    codeDir: dir,
    runtime: 'nodejs24.x',
    environment: {},
    timeoutSeconds: 3,
    memoryMb: 128,
    logGroupName: '/aws/lambda/fn',
  });
  expect(await invokeAt([0, 10, 20, 100, 200])).toEqual([1, 2, 3, 3, 3]);
  expect(lambda.invocations.map((i) => i.coldStart)).toEqual([true, true, true, false, false]);
});

describe('Lambda-like environments (a LambdaModel)', () => {
  const MODEL: LambdaModel = {
    name: 'exact',
    initMs: { medianMs: 300, sigma: 0, maxMs: 300 },
    invocationMs: { medianMs: 40, sigma: 0, maxMs: 40 },
    recentFirst: 1,
    idleMs: [10_000, 10_000],
    lifetimeMs: [3_600_000, 3_600_000],
    reuse: true,
  };
  let modelled: FakeLambda;

  beforeEach(async () => {
    fs.writeFileSync(path.join(dir, 'timed.js'), 'let served = 0;\nexports.handler = async () => ({ served: ++served, at: Date.now() });\n');
    modelled = await FakeLambda.start({ clock, region: 'us-east-1', model: MODEL });
    modelled.register({ ...FN, codeDir: dir, handler: 'timed.handler' });
  });

  afterEach(async () => modelled.close());

  const invoke = async (): Promise<{ served: number; at: number; answeredAt: number }> => {
    const { payload } = await modelled.invoke('fn', {});
    return { ...(payload as { served: number; at: number }), answeredAt: clock.now() };
  };

  it('runs a new environment\'s Init before the handler, and answers after the invocation\'s own time', async () => {
    const start = clock.now();
    const cold = await invoke();
    expect(cold).toEqual({ served: 1, at: start + 300, answeredAt: start + 340 });
    const warm = await invoke();
    expect(warm).toEqual({ served: 2, at: start + 340, answeredAt: start + 380 });
    expect(modelled.invocations.map((i) => [i.coldStart, i.initMs, i.ownMs])).toEqual([
      [true, 300, 40],
      [false, undefined, 40],
    ]);
  });

  it('makes a new environment for an invocation that arrives while the only one is busy, none otherwise', async () => {
    const [a, b] = await Promise.all([invoke(), invoke()]);
    expect([a.served, b.served]).toEqual([1, 1]);
    await invoke();
    await invoke();
    expect(modelled.invocations.map((i) => i.environment)).toEqual([1, 2, 2, 2]);
    expect(modelled.poolCounts('fn')).toMatchObject({ made: 2, reused: 2 });
  });

  it('recycles an environment idle longer than its limit: the next invocation is cold', async () => {
    await invoke();
    await clock.sleep(9_000);
    await invoke();
    await clock.sleep(10_001);
    await invoke();
    expect(modelled.invocations.map((i) => i.coldStart)).toEqual([true, false, true]);
    expect(modelled.poolCounts('fn')).toMatchObject({ made: 2, recycledIdle: 1 });
  });
});
