/**
 * The handler validates hand-written templates (and tokens resolved at deploy time) as strictly as the construct
 * validates at synth: the same defaults when a property is left out, whole seconds as strings, sha bounds.
 */
import { parseSettings } from '../../../lambda/poll/settings';
import { SOURCES } from '../../../lambda/sources';
import { Prop } from '../../../lib/contract';
import { Limits } from '../../../lib/limits';
import { GATE_PROPS } from '../../fixtures';

const parse = (props: Record<string, unknown>) => parseSettings(props, 'us-east-1', SOURCES);
const NAMES = { [Prop.ServiceName]: 'api', [Prop.ServiceInstanceName]: 'prod' };

describe('defaults when a property is left out', () => {
  it('a gate with only its names requires success, waits 10 minutes, polls every 15 s, in the handler\'s region', () => {
    expect(parse(NAMES)).toMatchObject({
      requireSuccess: true,
      expectedSha: undefined,
      waitTimeoutMs: Limits.defaultWaitTimeoutSeconds * 1000,
      pollIntervalMs: Limits.defaultPollIntervalSeconds * 1000,
      subject: { region: 'us-east-1', serviceName: 'api', serviceInstanceName: 'prod' },
    });
  });

  it('leaving RequireSuccess out never turns the gate into a reader that always passes', () => {
    expect(parse({ ...GATE_PROPS, [Prop.RequireSuccess]: undefined }).requireSuccess).toBe(true);
  });
});

describe('whole seconds', () => {
  it.each([
    [Prop.WaitTimeoutSeconds, '0', 0],
    [Prop.WaitTimeoutSeconds, '1', 1],
    [Prop.WaitTimeoutSeconds, String(Limits.maxWaitTimeoutSeconds), Limits.maxWaitTimeoutSeconds],
    [Prop.PollIntervalSeconds, String(Limits.minPollIntervalSeconds), Limits.minPollIntervalSeconds],
    [Prop.PollIntervalSeconds, String(Limits.maxPollIntervalSeconds), Limits.maxPollIntervalSeconds],
  ])('accepts %s %s', (prop, value, seconds) => {
    const s = parse({ ...GATE_PROPS, [prop]: value });
    expect(prop === Prop.WaitTimeoutSeconds ? s.waitTimeoutMs : s.pollIntervalMs).toBe(seconds * 1000);
  });

  it.each([
    [Prop.WaitTimeoutSeconds, String(Limits.maxWaitTimeoutSeconds + 1)],
    [Prop.WaitTimeoutSeconds, '-1'],
    [Prop.PollIntervalSeconds, String(Limits.minPollIntervalSeconds - 1)],
    [Prop.PollIntervalSeconds, String(Limits.maxPollIntervalSeconds + 1)],
    [Prop.PollIntervalSeconds, '1e2'],
    [Prop.PollIntervalSeconds, ' 30'],
    [Prop.PollIntervalSeconds, '30 '],
    [Prop.PollIntervalSeconds, '30.0'],
    [Prop.PollIntervalSeconds, '030'],
    [Prop.PollIntervalSeconds, '+30'],
    [Prop.PollIntervalSeconds, '0x1e'],
    [Prop.PollIntervalSeconds, ''],
    [Prop.WaitTimeoutSeconds, 'PT10M'],
  ])('rejects %s %j, naming the property, the value and the range', (prop, value) => {
    expect(() => parse({ ...GATE_PROPS, [prop]: value })).toThrow(
      new RegExp(`^Invalid ${prop} ${escape(JSON.stringify(value))}: expected a whole number of seconds from \\d+ to \\d+\\.`),
    );
  });
});

describe('expected sha', () => {
  it.each([
    ['7 hex digits (the shortest abbreviation)', 'abc1234'],
    ['7 hex digits in upper case', 'ABC1234'],
    ['39 hex digits', 'f'.repeat(39)],
    ['40 hex digits (a SHA-1 sha)', 'f'.repeat(40)],
    ['64 hex digits (a SHA-256 sha)', 'e'.repeat(64)],
  ])('accepts %s, as given', (_name, sha) => {
    expect(parse({ ...GATE_PROPS, [Prop.ExpectedSha]: sha }).expectedSha).toBe(sha);
  });

  it.each([
    ['empty (an unset pipeline variable)', ''],
    ['1 hex digit', 'a'],
    ['6 hex digits (too short to name a commit)', 'abc123'],
    ['65 hex digits', 'e'.repeat(65)],
    ['a branch name', 'main'],
    ['a tag name', 'v1.2.3'],
    ['7 characters with one that is not hex', 'abc123g'],
    ['surrounded by spaces', ' abc1234'],
    ['followed by a newline', 'abc1234\n'],
    ['a number', 1234567],
  ])('rejects %s, naming the property, the value and what a sha may be', (_name, sha) => {
    expect(() => parse({ ...GATE_PROPS, [Prop.ExpectedSha]: sha })).toThrow(
      `Invalid ExpectedSha ${JSON.stringify(sha)}: expected a Git commit sha of 7-64 hex digits (a full sha, or an abbreviation of at least 7), not a branch or tag name`,
    );
  });
});

describe('other properties', () => {
  it.each([
    [Prop.RequireSuccess, 'True', /expected "true" or "false"/],
    [Prop.RequireSuccess, 'yes', /expected "true" or "false"/],
    [Prop.Region, 'US-EAST-1', /expected an AWS region name/],
    [Prop.Region, '', /expected an AWS region name/],
    [Prop.ServiceName, '', /expected 1-100 characters/],
    [Prop.ServiceName, '-api', /expected 1-100 characters/],
    [Prop.ServiceInstanceName, 'p'.repeat(101), /expected 1-100 characters/],
  ])('rejects %s %j', (prop, value, allowed) => {
    expect(() => parse({ ...GATE_PROPS, [prop]: value })).toThrow(allowed);
  });

  it('accepts names of 1 and 100 characters', () => {
    expect(parse({ ...GATE_PROPS, [Prop.ServiceName]: 'a', [Prop.ServiceInstanceName]: 'b'.repeat(100) }).subject).toMatchObject({
      serviceName: 'a',
      serviceInstanceName: 'b'.repeat(100),
    });
  });

  it('rejects a gate that names no source, saying which properties are allowed', () => {
    expect(() => parse({ [Prop.RequireSuccess]: 'true' })).toThrow(
      /^Invalid ServiceName or StackName undefined: a gate needs exactly one of ServiceName or StackName, which say what it watches\./,
    );
  });

  it('rejects a gate that names two sources, showing both values', () => {
    expect(() => parse({ ...GATE_PROPS, [Prop.StackName]: 'network' })).toThrow(
      /^Invalid ServiceName and StackName \{"ServiceName":"api","StackName":"network"\}: a gate needs exactly one of ServiceName or StackName/,
    );
  });

  it.each([
    [true, true],
    [false, false],
  ])('accepts RequireSuccess given as the JSON boolean %s (a direct invocation, not CloudFormation)', (value, expected) => {
    expect(parse({ ...GATE_PROPS, [Prop.RequireSuccess]: value }).requireSuccess).toBe(expected);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
