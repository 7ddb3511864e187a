/**
 * Builders for the CLI's tests: a virtual clock whose sleep moves time without waiting, a reader that serves a
 * script of statuses and errors, the gate's settings for a check, and streams that keep what is written.
 */
import { SyncGateError } from '../../lambda/core/errors';
import { SyncStatus } from '../../lambda/core/sync-status';
import { GateSettings, parseSettings } from '../../lambda/handler/properties';
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

/** Serves `steps` in order, one per read; the last one repeats. Records the time of every read. */
export class ScriptedReader implements SourceReader {
  public readonly reads: number[] = [];
  public readonly subjects: Subject[] = [];

  constructor(
    private readonly steps: readonly ReadStep[],
    private readonly time?: VirtualTime,
  ) {}

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
