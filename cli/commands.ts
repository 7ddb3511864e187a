/**
 * One `check <source>` command per sync source the gate knows (lambda/sources SOURCES): the command is named
 * after the source's kind, and its options fill the resource properties that name the subject. A source this
 * table does not know yet still gets a command, with one option named after its identifying property
 * (`StackName` gives `--stack-name`).
 */
import { SyncSource } from '../lambda/sources/source';
import { Prop } from '../lib/contract';
import { SyncGateSource } from '../lib/sources';

/** An option that fills one resource property of the subject. Every subject option is required. */
export interface SubjectOption {
  /** Without the dashes: `service`. */
  readonly name: string;
  /** The resource property it fills: `ServiceName`. */
  readonly prop: string;
  /** What the value is, for the help text. */
  readonly description: string;
}

export interface SourceCommand {
  /** `proton`, `git-sync`: the source's kind. */
  readonly name: string;
  readonly source: SyncSource;
  /** One line for the list of commands. */
  readonly summary: string;
  readonly options: readonly SubjectOption[];
}

interface KnownSource {
  readonly summary: string;
  readonly options: readonly SubjectOption[];
}

/** Friendly option names for the sources this tool knows, by kind (lib/sources.ts names them all). */
const KNOWN: { readonly [S in SyncGateSource]: KnownSource } = {
  [SyncGateSource.PROTON]: {
    summary: 'an AWS Proton service instance (GetServiceInstanceSyncStatus)',
    options: [
      { name: 'service', prop: Prop.ServiceName, description: 'the Proton service name' },
      { name: 'instance', prop: Prop.ServiceInstanceName, description: 'the service instance name' },
    ],
  },
  [SyncGateSource.GIT_SYNC]: {
    summary: 'a CloudFormation stack synced from Git (CloudFormation Git sync)',
    options: [{ name: 'stack', prop: Prop.StackName, description: 'the name of the stack that Git sync deploys' }],
  },
};

/** `StackName` -> `stack-name`. */
export function kebabCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

function commandFor(source: SyncSource): SourceCommand {
  const known = (KNOWN as Readonly<Record<string, KnownSource | undefined>>)[source.kind];
  return {
    name: source.kind,
    source,
    summary: known?.summary ?? `the ${source.kind} sync source`,
    options: known?.options ?? [
      { name: kebabCase(source.identifyingProp), prop: source.identifyingProp, description: `the gate's ${source.identifyingProp}` },
    ],
  };
}

/** The `check` commands, one per source, in the order of `sources`. */
export function sourceCommands(sources: readonly SyncSource[]): SourceCommand[] {
  return sources.map(commandFor);
}
