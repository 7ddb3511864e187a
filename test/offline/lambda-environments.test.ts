/**
 * Execution environments in the Lambda emulator with a modelled invocation time (load runs): an environment is
 * busy for invocationMs of virtual time from its invocation's start, so invocations closer together than that need
 * another environment, and later ones reuse the most recently used free one.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeLambda } from '../../offline/lambda-emulator';
import { VirtualClock } from '../../offline/virtual-clock';

let dir: string;
let clock: VirtualClock;
let lambda: FakeLambda;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-envs-'));
  fs.writeFileSync(path.join(dir, 'index.js'), 'exports.handler = async () => ({ ok: true });\n');
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
