/**
 * Builders for the CLI's tests: a virtual clock whose sleep moves time without waiting, a reader that serves a
 * script of statuses and errors, the gate's settings for a check, streams that keep what is written, and a runner
 * of the built command as a child process.
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { SyncGateError } from '../../lambda/core/errors';
import { BlockerReading, SyncStatus } from '../../lambda/core/sync-status';
import { GateSettings, parseSettings } from '../../lambda/poll/settings';
import { SOURCES } from '../../lambda/sources';
import { SourceReader, Subject } from '../../lambda/sources/source';
import { Prop } from '../../lib/contract';

/** Virtual time: `sleep` adds to `now` at once and records how long was asked. */
export class VirtualTime {
  public ms = 0;
  public readonly sleeps: number[] = [];
  public readonly now = (): number => this.ms;
  public readonly sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.ms += ms;
  };
}

/** One answer of a scripted reader: a status, or an error to throw. */
export type ReadStep = SyncStatus | SyncGateError;

/**
 * Serves `steps` in order, one per status read; the last one repeats. Records the time of every read. Its
 * blockers are `blockers` (none by default), or the error it throws.
 */
export class ScriptedReader implements SourceReader {
  public readonly reads: number[] = [];
  public readonly blockerReads: number[] = [];
  public readonly subjects: Subject[] = [];

  constructor(
    private readonly steps: readonly ReadStep[],
    private readonly time?: VirtualTime,
    private readonly blockers: BlockerReading | Error = { blockers: [], errors: [] },
  ) {}

  public async readBlockers(subject: Subject): Promise<BlockerReading> {
    this.subjects.push(subject);
    this.blockerReads.push(this.time?.ms ?? 0);
    if (this.blockers instanceof Error) throw this.blockers;
    return this.blockers;
  }

  public async readStatus(subject: Subject): Promise<SyncStatus> {
    this.subjects.push(subject);
    const step = this.steps[Math.min(this.reads.length, this.steps.length - 1)];
    this.reads.push(this.time?.ms ?? 0);
    if (step instanceof Error) throw step;
    return step;
  }
}

export const transient = (message = 'Proton kept answering ThrottlingException'): SyncGateError => new SyncGateError(message, { transient: true });
export const permanent = (message = 'Proton found no service instance "prod" of service "api" in eu-west-1'): SyncGateError =>
  new SyncGateError(message);

/** The gate's settings for a Proton check of api/prod in eu-west-1, waiting `waitSeconds`, polling every `pollSeconds`. */
export function protonSettings(waitSeconds: number, pollSeconds = 15, expectedSha?: string): GateSettings {
  return parseSettings(
    {
      [Prop.ServiceName]: 'api',
      [Prop.ServiceInstanceName]: 'prod',
      [Prop.Region]: 'eu-west-1',
      [Prop.WaitTimeoutSeconds]: String(waitSeconds),
      [Prop.PollIntervalSeconds]: String(pollSeconds),
      ...(expectedSha === undefined ? {} : { [Prop.ExpectedSha]: expectedSha }),
    },
    'us-east-1',
    SOURCES,
  );
}

/** A stream that keeps what is written. */
export class MemoryStream {
  public text = '';
  constructor(
    public readonly isTTY = false,
    public readonly columns?: number,
  ) {}

  public write(text: string): boolean {
    this.text += text;
    return true;
  }
}

/** How a child process ended and what it printed. */
export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the command (a .js file with this node, or an executable such as node_modules/.bin/cdk-git-sync-gate)
 * against fakes at `endpoints` (`{ AWS_ENDPOINT_URL_PROTON: proton.endpoint }`), with only the environment it needs: fake credentials, no AWS profile, config
 * or credentials of this machine, no instance metadata, and every other AWS endpoint on a dead loopback port.
 * Asynchronous, so that a fake in this process can answer it.
 */
export function runBundle(command: string, args: readonly string[], endpoints: Readonly<Record<string, string>>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command.endsWith('.js') ? process.execPath : command, command.endsWith('.js') ? [command, ...args] : [...args], {
      env: {
        // Only this node: an executable's `#!/usr/bin/env node` finds it, and nothing of the project's node_modules/.bin.
        PATH: path.dirname(process.execPath),
        AWS_ACCESS_KEY_ID: 'AKIDFAKEFAKEFAKE',
        AWS_SECRET_ACCESS_KEY: 'fake-secret',
        ...endpoints,
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        AWS_CONFIG_FILE: path.join(__dirname, 'no-such-aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(__dirname, 'no-such-aws-credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

