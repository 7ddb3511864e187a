/**
 * The endpoints the benchmark's handlers call: the project's model-checked fakes of Proton (offline/fake-proton.ts),
 * in which the benchmark's instances are in sync, and of CodeStar Connections and STS for the Git sync gates' cold
 * starts, in the gates' own account and, through a reader role, in another.
 */
import { FakeCodeStarConnections, wireGitSyncAttempt, wireGitSyncOutput } from '../offline/fake-codestar-connections';
import { FakeIam, roleArn } from '../offline/fake-iam';
import { FakeProton, wireAttempt, wireSyncOutput } from '../offline/fake-proton';
import { FakeSts } from '../offline/fake-sts';
import { BENCH_ACCESS_KEY_ID, BENCH_ACCOUNT } from './runner';
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

/** The account whose Git sync a cross-account gate reads, and the reader role it reads through. */
export const SYNC_OWNER_ACCOUNT = '222222222222';
export const READER_ROLE_ARN = roleArn('aws', SYNC_OWNER_ACCOUNT, 'sync-gate-reader');

export interface GitSyncEndpoints {
  /** The value for AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS. */
  readonly endpoint: string;
  /** The value for AWS_ENDPOINT_URL_STS. */
  readonly stsEndpoint: string;
  /** Git sync calls, by the account they read. */
  callsIn(account: string): number;
  /** AssumeRole calls that got credentials. */
  assumedRoles(): number;
  close(): Promise<void>;
}

/**
 * Starts a fake CodeStar Connections in which `stackName`'s CloudFormation Git sync is in sync, in the gates' own
 * account and in SYNC_OWNER_ACCOUNT, and a fake STS whose READER_ROLE_ARN (in that account) trusts the gates'
 * account and may read Git sync: what the cold starts of a GitSyncGate, and of one with a reader role, call. The
 * benchmark's credentials sign as a user of BENCH_ACCOUNT.
 */
export async function startGitSync(stackName: string): Promise<GitSyncEndpoints> {
  const iam = new FakeIam();
  const user = `arn:aws:iam::${BENCH_ACCOUNT}:user/bench`;
  iam.addKey(BENCH_ACCESS_KEY_ID, { account: BENCH_ACCOUNT, arn: user, principalArn: user });
  iam.putRole({
    arn: READER_ROLE_ARN,
    trust: { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${BENCH_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] },
    inline: { read: { Statement: [{ Effect: 'Allow', Action: ['codestar-connections:GetResourceSyncStatus', 'codestar-connections:GetSyncBlockerSummary'], Resource: '*' }] } },
  });
  const sts = await FakeSts.start({ iam });
  const fake = await FakeCodeStarConnections.start();
  fake.iam = iam;
  fake.homeAccount = BENCH_ACCOUNT;
  const attempt = wireGitSyncAttempt('SUCCEEDED', IN_SYNC_SHA, { target: stackName });
  for (const account of [BENCH_ACCOUNT, SYNC_OWNER_ACCOUNT]) {
    fake.script(stackName, [{ respond: wireGitSyncOutput({ desired: IN_SYNC_SHA, latest: attempt, latestSuccessful: attempt }) }], account);
  }
  return {
    endpoint: fake.endpoint,
    stsEndpoint: sts.endpoint,
    callsIn: (account) => fake.calls.filter((c) => c.account === account && c.outcome === 'response').length,
    assumedRoles: () => sts.assumeRoleCalls.filter((c) => c.outcome === 'credentials').length,
    async close() {
      const violations = [...fake.requestViolations, ...sts.requestViolations];
      await fake.close();
      await sts.close();
      fake.assertHonest();
      sts.assertHonest();
      if (violations.length > 0) throw new Error(`requests outside the CodeStar Connections or STS model:\n${violations.join('\n')}`);
    },
  };
}
