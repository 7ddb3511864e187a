/**
 * Every value the construct accepts must synthesize and deploy: every pollInterval from 5 to 300 s and every
 * waitTimeout from 0 to 3,600 s, against aws-cdk-lib's own Provider check and CloudFormation's ServiceTimeout
 * range. Synthesizing 296 providers takes over a minute, so the walk runs every value through the exact checks
 * (aws-cdk-lib's calculateRetryPolicy, the contract's formulas) and a spread sample through a real synth.
 */
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GitSyncGate, ServiceInstanceSyncGate } from '../../lib';
import { Prop, PROTON_RESOURCE_TYPE } from '../../lib/contract';
import { CallBudget, effectiveWaitSeconds, Limits, serviceTimeoutSeconds } from '../../lib/limits';
import { providerTotalTimeout } from '../../lib/sync-gate-provider';

/** aws-cdk-lib's own check (not exported by the package): the one that threw for 264 of the 296 intervals. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a file the package's exports map does not expose
const { calculateRetryPolicy } = require(
  path.join(path.dirname(require.resolve('aws-cdk-lib/package.json')), 'custom-resources', 'lib', 'provider-framework', 'util.js'),
) as { calculateRetryPolicy: (scope: unknown, props: { totalTimeout: Duration; queryInterval: Duration }) => { maxAttempts: number; interval: Duration } };

const INTERVALS = Array.from({ length: Limits.maxPollIntervalSeconds - Limits.minPollIntervalSeconds + 1 }, (_, i) => i + Limits.minPollIntervalSeconds);
const WAITS = Array.from({ length: Limits.maxWaitTimeoutSeconds + 1 }, (_, i) => i);

describe('every accepted poll interval', () => {
  test('is served by the one waiter: its tick passes aws-cdk-lib\'s Provider check and the waiter outlasts every gate\'s ServiceTimeout', () => {
    const { maxAttempts, interval } = calculateRetryPolicy(new Stack(), {
      totalTimeout: providerTotalTimeout(),
      queryInterval: Duration.seconds(Limits.waiterTickSeconds),
    });
    const waiterSeconds = maxAttempts * interval.toSeconds();
    expect(Number.isInteger(maxAttempts)).toBe(true);
    expect(waiterSeconds).toBe(Limits.maxWaitTimeoutSeconds);
    const broken: string[] = [];
    for (const poll of INTERVALS) {
      // A tick no longer than the interval: every interval gets a tick after each of its multiples.
      if (poll < Limits.waiterTickSeconds || waiterSeconds < serviceTimeoutSeconds(Limits.maxWaitTimeoutSeconds)) broken.push(`${poll}s`);
    }
    expect(broken).toEqual([]);
  });
});

describe('every accepted wait timeout', () => {
  /** The longest one poll's calls take: the sources' budget and one DescribeStacks, each aborted when spent. */
  const POLL_BUDGET_SECONDS = (CallBudget.sourceCallsBudgetMs + CallBudget.stackCallBudgetMs) / 1000;
  /** CloudFormation's send to the gate's start (onEvent), and the framework's answer, at most. */
  const FRAMEWORK_SECONDS = 30;

  test('the reserve covers the read on the tick before the deadline read, the deadline read, and the framework', () => {
    expect(Limits.cloudFormationReserveSeconds).toBeGreaterThanOrEqual(2 * POLL_BUDGET_SECONDS + FRAMEWORK_SECONDS);
  });

  test("gets a ServiceTimeout CloudFormation accepts, later than the gate's own last answer, whatever the poll interval", () => {
    const broken: string[] = [];
    for (const wait of WAITS) {
      const bound = serviceTimeoutSeconds(wait);
      // The deadline read comes on the first tick at or past the effective wait: a tick later, after the tick before
      // it, which may have been a read of a whole poll budget. It takes a poll budget; then the framework answers.
      const lastAnswer = effectiveWaitSeconds(wait) + Limits.waiterTickSeconds + 2 * POLL_BUDGET_SECONDS + FRAMEWORK_SECONDS;
      if (!Number.isInteger(bound) || bound < 1 || bound > Limits.maxWaitTimeoutSeconds || bound < lastAnswer) {
        broken.push(`wait ${wait}s: ServiceTimeout ${bound}s, last answer by ${lastAnswer}s`);
      }
    }
    expect(broken.slice(0, 5)).toEqual([]);
  });

  test('the default gate gives CloudFormation 13m 5s (10 min wait, one 5 s tick, 3 min reserve); the full hour waits 56m 55s', () => {
    expect(serviceTimeoutSeconds(Limits.defaultWaitTimeoutSeconds)).toBe(600 + 5 + 180);
    // The full hour is capped so the gate answers by itself first, the same for every poll interval.
    expect(serviceTimeoutSeconds(3600)).toBe(3600);
    expect(effectiveWaitSeconds(3600)).toBe(3600 - 180 - 5);
    expect(effectiveWaitSeconds(3415)).toBe(3415);
    expect(effectiveWaitSeconds(3416)).toBe(3415);
  });
});

describe('a spread of accepted values, synthesized', () => {
  const SAMPLE_POLLS = [5, 6, 7, 11, 13, 59, 61, 97, 173, 299, 300];
  const SAMPLE_WAITS = [0, 1, 599, 600, 3414, 3415, 3416, 3599, 3600];

  test('every sampled pollInterval synthesizes on the one provider, whose waiter ticks every 5 s for the hour', () => {
    const stack = new Stack(new App(), 'Polls', { env: { region: 'us-east-1', account: '123456789012' } });
    SAMPLE_POLLS.forEach((poll, i) =>
      (i % 2 === 0 ? new ServiceInstanceSyncGate(stack, `P${poll}`, { serviceName: 'api', serviceInstanceName: 'prod', pollInterval: Duration.seconds(poll) })
        : new GitSyncGate(stack, `G${poll}`, { stackName: 'network', pollInterval: Duration.seconds(poll) })));
    const template = Template.fromStack(stack);
    const intervals = Object.values(template.findResources('AWS::StepFunctions::StateMachine')).map((r) => {
      const parts = (r.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
      const text = parts.filter((p): p is string => typeof p === 'string').join('');
      const [, interval, attempts] = /"IntervalSeconds":(\d+),"MaxAttempts":(\d+)/.exec(text)!;
      return [Number(interval), Number(interval) * Number(attempts)];
    });
    expect(intervals).toEqual([[Limits.waiterTickSeconds, Limits.maxWaitTimeoutSeconds]]);
    const polls = Object.values(template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>)
      .filter((r) => r.Type.startsWith('Custom::'))
      .map((r) => Number(r.Properties.PollIntervalSeconds));
    expect(polls.sort((a, b) => a - b)).toEqual(SAMPLE_POLLS);
  });

  test('every sampled waitTimeout synthesizes with its ServiceTimeout', () => {
    const stack = new Stack(new App(), 'Waits', { env: { region: 'us-east-1', account: '123456789012' } });
    for (const wait of SAMPLE_WAITS) {
      for (const poll of [5, 300]) {
        new ServiceInstanceSyncGate(stack, `W${wait}P${poll}`, { serviceName: 'api', serviceInstanceName: `i${wait}p${poll}`, waitTimeout: Duration.seconds(wait), pollInterval: Duration.seconds(poll) });
      }
    }
    const gates = Object.values(Template.fromStack(stack).findResources(PROTON_RESOURCE_TYPE));
    expect(gates).toHaveLength(SAMPLE_WAITS.length * 2);
    for (const gate of gates) {
      const p = gate.Properties as Record<string, string>;
      expect(Number(p.ServiceTimeout)).toBe(serviceTimeoutSeconds(Number(p[Prop.WaitTimeoutSeconds])));
    }
  });

  test.each([
    ['waitTimeout', { waitTimeout: Duration.seconds(Limits.maxWaitTimeoutSeconds + 1) }, /Invalid waitTimeout 1 hour 1 second \(3601 s\): expected whole seconds from 0 to 3600/],
    ['waitTimeout', { waitTimeout: Duration.millis(1500) }, /Invalid waitTimeout 1 second 500 millis \(1\.5 s\): expected whole seconds/],
    ['pollInterval', { pollInterval: Duration.seconds(4) }, /Invalid pollInterval 4 seconds \(4 s\): expected whole seconds from 5 to 300/],
    ['pollInterval', { pollInterval: Duration.seconds(301) }, /Invalid pollInterval 5 minutes 1 second \(301 s\): expected whole seconds from 5 to 300/],
  ])('rejects the first value past the edge of %s, naming it', (_prop, props, message) => {
    const stack = new Stack();
    expect(() => new ServiceInstanceSyncGate(stack, 'Gate', { serviceName: 'api', serviceInstanceName: 'prod', ...props })).toThrow(message);
  });
});

describe('expectedSha at synth', () => {
  test.each([[''], ['   ']])('an empty expectedSha %j (an unset pipeline variable) fails and says so', (sha) => {
    expect(() => new ServiceInstanceSyncGate(new Stack(), 'Gate', { serviceName: 'api', serviceInstanceName: 'prod', expectedSha: sha })).toThrow(
      /Invalid expectedSha ".*": it is empty, as an unset pipeline variable gives\. Pass the commit to wait for/,
    );
  });

  test.each([['abc1234'], ['ABC1234'], ['a'.repeat(40)], ['a'.repeat(64)]])('accepts %j', (sha) => {
    expect(() => new ServiceInstanceSyncGate(new Stack(), 'Gate', { serviceName: 'api', serviceInstanceName: 'prod', expectedSha: sha })).not.toThrow();
  });

  test.each([['a'], ['abc123'], ['a'.repeat(65)], ['main'], [' abc1234'], ['abc1234\n']])('rejects %j', (sha) => {
    expect(() => new ServiceInstanceSyncGate(new Stack(), 'Gate', { serviceName: 'api', serviceInstanceName: 'prod', expectedSha: sha })).toThrow(
      /expected a Git commit sha of 7-64 hex digits \(a full sha, or an abbreviation of at least 7\), not a branch or tag name/,
    );
  });
});
