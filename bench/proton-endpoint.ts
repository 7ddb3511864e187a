/**
 * The endpoints the benchmark's handlers call: the project's model-checked fakes of Proton (offline/fake-proton.ts),
 * in which the benchmark's instances are in sync, and of CodeStar Connections for the Git sync gate's cold start.
 */
import { FakeCodeStarConnections, wireGitSyncAttempt, wireGitSyncOutput } from '../offline/fake-codestar-connections';
import { FakeProton, wireAttempt, wireSyncOutput } from '../offline/fake-proton';
import { instanceName, SERVICE } from './variants';

/** The sha every benchmark instance is synced at. */
export const IN_SYNC_SHA = '0123456789abcdef0123456789abcdef01234567';

export interface ProtonEndpoint {
  /** The value for AWS_ENDPOINT_URL_PROTON. */
  readonly endpoint: string;
  /** Which fake answers, for the report. */
  readonly description: string;
  /** Calls received so far, all instances. */
  totalCalls(): number;
  /** Stops the fake; throws if it received a request or served a body outside the Proton model. */
  close(): Promise<void>;
}

/** Starts a fake Proton in which instances 0..instances-1 of the benchmark's service are in sync. */
export async function startProton(instances = 1): Promise<ProtonEndpoint> {
  const fake = await FakeProton.start();
  const attempt = wireAttempt('SUCCEEDED', IN_SYNC_SHA);
  const body = wireSyncOutput({ desired: IN_SYNC_SHA, latest: attempt, latestSuccessful: attempt });
  for (let i = 0; i < instances; i++) fake.script(SERVICE, instanceName(i), [{ respond: body }]);
  return {
    endpoint: fake.endpoint,
    description: 'offline/fake-proton.ts (model-checked: every request and every body served validated against the Proton Smithy model)',
    totalCalls: () => fake.calls.length,
    async close() {
      const violations = [...fake.requestViolations];
      await fake.close();
      fake.assertHonest();
      if (violations.length > 0) throw new Error(`requests outside the Proton model:\n${violations.join('\n')}`);
    },
  };
}

/**
 * Starts a fake CodeStar Connections in which `stackName`'s CloudFormation Git sync is in sync: what the cold
 * start of a GitSyncGate calls.
 */
export async function startGitSync(stackName: string): Promise<{ readonly endpoint: string; totalCalls(): number; close(): Promise<void> }> {
  const fake = await FakeCodeStarConnections.start();
  const attempt = wireGitSyncAttempt('SUCCEEDED', IN_SYNC_SHA, { target: stackName });
  fake.script(stackName, [{ respond: wireGitSyncOutput({ desired: IN_SYNC_SHA, latest: attempt, latestSuccessful: attempt }) }]);
  return {
    endpoint: fake.endpoint,
    totalCalls: () => fake.calls.length,
    async close() {
      const violations = [...fake.requestViolations];
      await fake.close();
      fake.assertHonest();
      if (violations.length > 0) throw new Error(`requests outside the CodeStar Connections model:\n${violations.join('\n')}`);
    },
  };
}
