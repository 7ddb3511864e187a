/**
 * Execution environments in the Lambda emulator with a modelled invocation time (load runs): an environment is
 * busy for invocationMs of virtual time from its invocation's start, so invocations closer together than that need
 * another environment, and later ones reuse the most recently used free one.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
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
