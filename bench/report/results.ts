/**
 * The report's input: a plain object of everything the benchmark measured and the settings it ran with. The
 * measurement modules own the shapes of their results; this only gathers them. A new measurement adds a field
 * here (optional while not every run has it) and a section that renders it.
 */
import type { IamBreak } from '../breaking-n';
import type { ColdRun, ColdStartNode } from '../cold-start';
import type { DetectionResult } from '../detection';
import type { AssetSize } from '../handler-assets';
import type { LoadResult } from '../load';
import type { LoadWorldsResult } from '../load-worlds';
import type { SourcesResult } from '../sync-sources';
import type { SynthRow } from '../synth';
import type { Variant } from '../variants';
import type { WarmResult } from '../warm';

/** Where and when the benchmark ran: the report states it because absolute times mean nothing without it. */
export interface RunInfo {
  /** ISO 8601. */
  readonly startedAt: string;
  readonly wallMs: number;
  readonly cores: number;
  readonly cpuModel: string;
  readonly platform: string;
  readonly osRelease: string;
  readonly nodeVersion: string;
  /** The Node.js version the cold starts of the Handler table and its targets ran under. */
  readonly coldStartNodeVersion: string;
  /** Where that Node.js came from (absent in results from before: BENCH_NODE when it differs from nodeVersion). */
  readonly coldStartNodeFrom?: ColdStartNode['from'];
  /** 1, 5 and 15 minute load averages. */
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  /** Package name -> locked version, in the order the report lists them. */
  readonly versions: Readonly<Record<string, string>>;
  /** Which fake Proton answered. */
  readonly protonFake: string;
}

/** The knobs the numbers depend on, as the run used them. */
export interface BenchSettings {
  /** Runs per synth cell, and at targetN. */
  readonly synthRuns: number;
  readonly targetN: number;
  readonly targetSynthRuns: number;
  /** The synth command line, with placeholders for variant, N and output directory. */
  readonly synthCommand: string;
  readonly coldRuns: number;
  readonly decisions: number;
  /** The knobs set away from their defaults, as `NAME=value (default …)`; the header flags a reduced run. */
  readonly nonDefault?: readonly string[];
}

/**
 * One set of cold starts: ours (a Proton gate), AwsCustomResource, and ours as a GitSyncGate and as a GitSyncGate
 * reading another account through a reader role, when measured.
 */
export type ColdSet = Readonly<Record<Variant, readonly ColdRun[]>> & { readonly gitSync?: readonly ColdRun[]; readonly crossAccount?: readonly ColdRun[] };

/** Cold starts under one more Node.js. */
export interface ColdUnderNode {
  readonly nodeVersion: string;
  readonly from: ColdStartNode['from'];
  readonly cold: ColdSet;
}

export interface BenchResults {
  readonly run: RunInfo;
  readonly settings: BenchSettings;
  /** One row per N, in the order measured. */
  readonly synth: readonly SynthRow[];
  readonly iam: Readonly<Record<Variant, IamBreak>>;
  readonly assets: Readonly<Record<Variant, AssetSize>>;
  /**
   * Cold starts of ours (a Proton gate) and AwsCustomResource, and of ours as a GitSyncGate when measured, under
   * run.coldStartNodeVersion.
   */
  readonly cold: ColdSet;
  /** The same cold starts under the other Node.js executables (e.g. the bench's own beside Node 24), when run. */
  readonly coldOtherNodes?: readonly ColdUnderNode[];
  readonly warm: WarmResult;
  /** Proton calls of one Create of an in-sync instance, handlers driven directly. */
  readonly deploymentCalls: Readonly<Record<Variant, number>>;
  readonly detection: DetectionResult;
  /** Both sync sources in the offline world: in-sync calls and blocker detection (absent when skipped). */
  readonly sources?: SourcesResult;
  /** N gates at once against a rate-limited Proton, and the largest N that all pass (absent when skipped). */
  readonly load?: LoadResult;
  /** The load targets in each modelled world (absent when the worlds were skipped). */
  readonly loadWorlds?: LoadWorldsResult;
}
