/**
 * The Proton endpoint the benchmark's handlers call: the project's model-checked fake (test/support/fake-proton.ts)
 * when it is there, otherwise bench/loopback-proton.ts. Either way every benchmark instance is in sync.
 */
import * as fs from 'fs';
import * as path from 'path';
import { IN_SYNC_SHA, startLoopbackProton } from './loopback-proton';
import { instanceName, SERVICE } from './variants';

export interface ProtonEndpoint {
  /** The value for AWS_ENDPOINT_URL_PROTON. */
  readonly endpoint: string;
  /** Which fake answers, for the report. */
  readonly description: string;
  /** Calls received so far, all instances. */
  totalCalls(): number;
  close(): Promise<void>;
}

const FAKE_PROTON = path.join(__dirname, '..', 'test', 'support', 'fake-proton.ts');

/** The part of test/support/fake-proton.ts the benchmark uses (loaded at run time: it is not a dependency). */
interface FakeProtonModule {
  FakeProton: {
    start(): Promise<{
      readonly endpoint: string;
      readonly calls: readonly unknown[];
      script(service: string, instance: string, steps: readonly { respond: Record<string, unknown> }[]): void;
      assertHonest(): void;
      readonly requestViolations: readonly string[];
      close(): Promise<void>;
    }>;
  };
  wireAttempt(status: string, sha: string): Record<string, unknown>;
  wireSyncOutput(parts: { desired?: string; latest?: Record<string, unknown>; latestSuccessful?: Record<string, unknown> }): Record<string, unknown>;
}

/** Starts a fake Proton in which instances 0..instances-1 of the benchmark's service are in sync. */
export async function startProton(instances = 1): Promise<ProtonEndpoint> {
  if (fs.existsSync(FAKE_PROTON)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require(FAKE_PROTON) as FakeProtonModule;
    const fake = await m.FakeProton.start();
    const attempt = m.wireAttempt('SUCCEEDED', IN_SYNC_SHA);
    const body = m.wireSyncOutput({ desired: IN_SYNC_SHA, latest: attempt, latestSuccessful: attempt });
    for (let i = 0; i < instances; i++) fake.script(SERVICE, instanceName(i), [{ respond: body }]);
    return {
      endpoint: fake.endpoint,
      description: 'test/support/fake-proton.ts (model-checked: every request and body validated against the Proton Smithy model)',
      totalCalls: () => fake.calls.length,
      async close() {
        const violations = [...fake.requestViolations];
        fake.assertHonest();
        await fake.close();
        if (violations.length > 0) throw new Error(`requests outside the Proton model:\n${violations.join('\n')}`);
      },
    };
  }
  const fake = await startLoopbackProton();
  return {
    endpoint: fake.endpoint,
    description: 'bench/loopback-proton.ts (minimal awsJson1_0 endpoint; test/support/fake-proton.ts was not available)',
    totalCalls: () => fake.totalCalls(),
    close: () => fake.close(),
  };
}
