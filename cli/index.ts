/**
 * The `cdk-git-sync-gate` command (package.json `bin`; bundled with esbuild into assets/cli/index.js by
 * scripts/build-handler.js, the AWS SDK inside). Wires the process: argv, environment, streams, the sources'
 * real clients, the real clock; the command itself is run.ts.
 */
import { performance } from 'perf_hooks';
import { standardRetry } from '../lambda/client-config';
import { SOURCES } from '../lambda/sources';
import { connectSubject, createStsClient } from '../lambda/sources/reader-role';
import { runCli } from './run';

/** The package's version, put in by the build (scripts/build-handler.js); absent when run from the sources. */
declare const CLI_VERSION: string | undefined;

// The bundled AWS SDK warns on Node.js 20 that its releases after January 2027 will need Node.js 22. This tool
// carries its own SDK and never picks up a newer one, so the notice says nothing to its user; the package supports
// Node.js 20 (engines). The SDK's documented opt-out; an explicit value in the environment still wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  sources: SOURCES,
  // Someone waits for the answer: a throttled or 5xx read is retried as the SDK's standard mode does, within the
  // call budget's attempts, before the check counts it as a poll that could not read. With --role-arn, the same
  // reader through a role as the gate's, its STS client in the check's region.
  connect: (source, subject) => connectSubject(source, subject, standardRetry(), () => createStsClient(subject.region), subject.region),
  // Monotonic: a wall clock set back or forth while waiting does not change how long the check waits.
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  version: typeof CLI_VERSION === 'string' ? CLI_VERSION : 'unknown (run from the sources)',
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`cdk-git-sync-gate: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 3;
  },
);
