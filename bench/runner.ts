/**
 * How the benchmark runs things: its root, its progress log (stderr, so stdout stays the report), child processes
 * timed by wall and CPU clock, and the environments they get, none of which can reach AWS.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..');

/** The region of every fake resource, event and client in the benchmark. */
export const BENCH_REGION = 'us-east-1';

export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Linux clock ticks per second (USER_HZ), the unit of /proc/<pid>/stat times. */
const CLOCK_TICKS_PER_S = 100;

/**
 * CPU time (user + system, ms) of this process's reaped children and all their reaped descendants (cutime +
 * cstime of /proc/self/stat), or undefined off Linux. The difference across one child's run is that child's
 * whole process tree: for `cdk synth`, the CLI and the app it runs.
 */
function childrenCpuMs(): number | undefined {
  try {
    const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return undefined;
  }
}

export interface TimedRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time, spawn to exit. */
  readonly ms: number;
  /** CPU time of the child's process tree; undefined off Linux. */
  readonly cpuMs?: number;
}

/** Runs a command to completion without blocking the event loop (the fake Proton lives in this process). */
export function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const cpuStart = childrenCpuMs();
    const start = performance.now();
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - start;
      const cpuEnd = childrenCpuMs();
      resolve({ code, stdout, stderr, ms, cpuMs: cpuStart === undefined || cpuEnd === undefined ? undefined : cpuEnd - cpuStart });
    });
  });
}

/** The environment without anything that could reach AWS: no credentials, no profile, no instance metadata. */
export function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^AWS_/.test(k) && k !== 'AWS_CA_BUNDLE') continue;
    env[k] = v;
  }
  return { ...env, AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' };
}

/** The access key of the benchmark's fake credentials (a user of BENCH_ACCOUNT, to the fakes that know IAM). */
export const BENCH_ACCESS_KEY_ID = 'AKIABENCHMARKFAKE000';

/** The account of the benchmark's gates (the account in the events' stack ids). */
export const BENCH_ACCOUNT = '123456789012';

/**
 * Fake credentials and the loopback endpoints: the only way Proton (and, when given, CodeStar Connections for
 * Git sync, and STS for a gate with a reader role) is reached in this benchmark.
 */
export function protonEnv(endpoint: string, gitSyncEndpoint?: string, stsEndpoint?: string): NodeJS.ProcessEnv {
  return {
    ...(gitSyncEndpoint === undefined ? {} : { AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS: gitSyncEndpoint }),
    ...(stsEndpoint === undefined ? {} : { AWS_ENDPOINT_URL_STS: stsEndpoint }),
    ...offlineEnv(),
    AWS_REGION: BENCH_REGION,
    AWS_ACCESS_KEY_ID: BENCH_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: 'bench-fake-secret',
    AWS_ENDPOINT_URL_PROTON: endpoint,
    // Any other service (e.g. the gate's DescribeStacks on an Update) goes to a dead loopback port, never to AWS.
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  };
}
