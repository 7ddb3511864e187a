/**
 * The offline world's DescribeStacks fails as CloudFormation's does in a busy account, through the real
 * CloudFormation client and the handler's own DescribeStacks code: scripted Throttling (400), InternalFailure (500)
 * and ServiceUnavailable (503) in awsQuery's error shape, which the SDK classifies as it would AWS's, and a rate limit
 * on the service clock.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { describeOwnStack } from '../../lambda/handler/stack-state';
import { SleepingStandardRetryStrategy } from '../../lambda/polite/standard-retry';
import { FakeCloudFormationApi } from '../../offline/fake-cloudformation-api';

const STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/app/1';
let fake: FakeCloudFormationApi;
let now: number;

beforeEach(async () => {
  fake = await FakeCloudFormationApi.start();
  now = Date.UTC(2026, 11, 7);
  fake.now = () => now;
  fake.setStatus(STACK, 'app', 'UPDATE_ROLLBACK_IN_PROGRESS');
});

afterEach(() => fake.close());

function client(maxAttempts: number): CloudFormationClient {
  return new CloudFormationClient({
    region: 'us-east-1',
    endpoint: fake.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    retryStrategy: new SleepingStandardRetryStrategy({ maxAttempts, sleep: async () => undefined }),
  });
}

it.each([
  ['Throttling', 400],
  ['InternalFailure', 500],
  ['ServiceUnavailable', 503],
] as const)("answers %s with HTTP %i in awsQuery's error shape, which the SDK reads as AWS's and retries", async (fault, status) => {
  fake.script([{ fault }]);
  const error = await describeOwnStack(client(1), STACK).catch((e: unknown) => e);
  expect(error).toMatchObject({ name: fault, $metadata: { httpStatusCode: status } });
  expect(fake.calls).toEqual([expect.objectContaining({ fault, httpStatus: status })]);
  expect(fake.calls[0].answered).toBeUndefined();
  // Retryable, as CloudFormation's own would be: a second attempt gets the stack.
  fake.script([{ fault }]);
  await expect(describeOwnStack(client(2), STACK)).resolves.toEqual({ rollingBack: true });
});

it('answers the stack again once the script is used up, and the standard retry mode rides out the faults', async () => {
  fake.script([{ fault: 'Throttling', times: 2 }]);
  await expect(describeOwnStack(client(3), STACK)).resolves.toEqual({ rollingBack: true });
  expect(fake.calls.map((c) => c.httpStatus)).toEqual([400, 400, 200]);
});

it('answers the stack for a step without a fault, between faults', async () => {
  fake.script([{ fault: 'Throttling' }, {}, { fault: 'InternalFailure' }]);
  const c = client(1);
  const answers = [];
  for (let i = 0; i < 4; i++) answers.push(await describeOwnStack(c, STACK).then(() => 'served', (e: Error) => e.name));
  expect(answers).toEqual(['Throttling', 'served', 'InternalFailure', 'served']);
});

it('throttles beyond an account-wide rate limit on its clock, and serves again as tokens come back', async () => {
  fake.setRateLimit({ perSecond: 1, burst: 2 });
  const c = client(1);
  const answers = [];
  for (let i = 0; i < 3; i++) answers.push(await describeOwnStack(c, STACK).then(() => 'served', (e: Error) => e.name));
  now += 1_000;
  answers.push(await describeOwnStack(c, STACK).then(() => 'served', (e: Error) => e.name));
  expect(answers).toEqual(['served', 'served', 'Throttling', 'served']);
  fake.reset();
  expect(await describeOwnStack(c, STACK).then(() => 'served')).toBe('served');
});

it('refuses a fault it does not know, and a step of no calls', () => {
  expect(() => fake.script([{ fault: 'Nope' as 'Throttling' }])).toThrow('unknown fault "Nope"');
  expect(() => fake.script([{ fault: 'Throttling', times: 0 }])).toThrow('times must be >= 1, got 0');
});
