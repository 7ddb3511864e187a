/**
 * The synth-time warning for a waitTimeout the gate cannot use whole: the gate answers by itself before
 * CloudFormation's one-hour limit (effectiveWaitSeconds), so a longer waitTimeout is cut short. Every number expected
 * here is computed from effectiveWaitSeconds and the Limits, never written down, so the tests follow the formula.
 */
import { Annotations as CdkAnnotations, App, CfnParameter, Duration, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { GitSyncGate, ServiceInstanceSyncGate, SyncGateOptions } from '../../lib';
import { effectiveWaitSeconds, Limits } from '../../lib/limits';
import { WAIT_TIMEOUT_CAPPED, waitTimeoutCappedWarning } from '../../lib/validation';

const GATE_PATH = '/Warn/Gate';

/** The largest waitTimeout, in whole seconds within the Limits, that the gate waits whole. */
function longestUsable(): number {
  let longest = -1;
  for (let w = 0; w <= Limits.maxWaitTimeoutSeconds; w++) if (effectiveWaitSeconds(w) >= w) longest = w;
  return longest;
}

function gateStack(options: SyncGateOptions, build: (stack: Stack) => void = (stack) => new GitSyncGate(stack, 'Gate', { stackName: 'network', ...options })): Stack {
  const stack = new Stack(new App(), 'Warn');
  build(stack);
  return stack;
}

const human = (seconds: number): string => Duration.seconds(seconds).toHumanString();

describe('the waitTimeout warning at synth', () => {
  it.each([Limits.minPollIntervalSeconds, Limits.maxPollIntervalSeconds])(
    'with pollInterval %i s, warns from one second above the longest wait the gate can use, and not at it (the same for every interval)',
    (poll) => {
      const longest = longestUsable();
      // The edge is inside the range a waitTimeout may take, so both sides of it can be asked for.
      expect(longest).toBeGreaterThan(Limits.defaultWaitTimeoutSeconds);
      expect(longest).toBeLessThan(Limits.maxWaitTimeoutSeconds);

      const at = gateStack({ waitTimeout: Duration.seconds(longest), pollInterval: Duration.seconds(poll) });
      Annotations.fromStack(at).hasNoWarning('*', Match.anyValue());

      const above = gateStack({ waitTimeout: Duration.seconds(longest + 1), pollInterval: Duration.seconds(poll) });
      const warnings = Annotations.fromStack(above).findWarning('*', Match.anyValue());
      expect(warnings.map((w) => w.id)).toEqual([GATE_PATH]);
      expect(warnings[0].entry.data).toContain(`it gives up after ${human(longest)} (${longest} s)`);
    },
  );

  it('names the waitTimeout asked for, the wait the gate will use and what to set, for the whole hour', () => {
    const effective = effectiveWaitSeconds(Limits.maxWaitTimeoutSeconds);
    const stack = gateStack({ waitTimeout: Duration.hours(1) });
    Annotations.fromStack(stack).hasWarning(
      GATE_PATH,
      'waitTimeout 1 hour (3600 s) is longer than the gate can wait, whatever its pollInterval: ' +
        `it gives up after ${human(effective)} (${effective} s), so that it answers with its own reason before CloudFormation's ` +
        `one-hour limit for a custom resource. Set waitTimeout to at most ${human(effective)} to say what the gate does, or ` +
        `acknowledge this warning. [ack: ${WAIT_TIMEOUT_CAPPED}]`,
    );
  });

  it('warns on the Proton gate too, which shares the limits', () => {
    const stack = gateStack({}, (s) => new ServiceInstanceSyncGate(s, 'Gate', { serviceName: 'api', serviceInstanceName: 'prod', waitTimeout: Duration.hours(1) }));
    expect(Annotations.fromStack(stack).findWarning(GATE_PATH, Match.stringLikeRegexp('^waitTimeout 1 hour '))).toHaveLength(1);
  });

  it('says nothing for the default waitTimeout, for zero, or for a reader with the default', () => {
    for (const options of [{}, { waitTimeout: Duration.seconds(0) }, { requireSuccess: false }]) {
      Annotations.fromStack(gateStack(options)).hasNoWarning('*', Match.anyValue());
    }
  });

  it('is gone once the app acknowledges it by its id, on the gate or on a scope above it', () => {
    for (const on of ['none', 'gate', 'stack'] as const) {
      const stack = gateStack({}, (s) => {
        const gate = new GitSyncGate(s, 'Gate', { stackName: 'network', waitTimeout: Duration.hours(1) });
        if (on !== 'none') CdkAnnotations.of(on === 'gate' ? gate : s).acknowledgeWarning(WAIT_TIMEOUT_CAPPED, 'we know the gate stops before the hour');
      });
      expect({ on, warnings: Annotations.fromStack(stack).findWarning('*', Match.anyValue()).length }).toEqual({ on, warnings: on === 'none' ? 1 : 0 });
    }
  });

  it('is not given when a value is an unresolved token: nothing can be said at synth', () => {
    const stack = new Stack(new App(), 'Tokens');
    const seconds = new CfnParameter(stack, 'Seconds', { type: 'Number' }).valueAsNumber;
    expect(Token.isUnresolved(seconds)).toBe(true);
    expect(waitTimeoutCappedWarning(seconds)).toBeUndefined();
    // The same value resolved does give it, so the token is what silenced it.
    expect(waitTimeoutCappedWarning(Limits.maxWaitTimeoutSeconds)).toMatch(/^waitTimeout 1 hour /);
  });
});
