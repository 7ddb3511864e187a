/**
 * Synth time: real `cdk synth` CLI runs of the benchmark app (bench/app.ts), both variants interleaved, timed by
 * wall and CPU clock; the last run of each cell also gives the template the limits are measured on.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fmtS } from './report/format';
import { log, offlineEnv, ROOT, run } from './runner';
import { Template, templateStats, TemplateStats } from './template-stats';
import { BENCH_STACK, Variant, VARIANTS } from './variants';

const CDK_CLI = path.join(ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');
/** The same app runner for both variants (the project's own cdk.json also runs its app through ts-node). */
const APP_CMD = 'node -r ts-node/register/transpile-only bench/app.ts';

/** The CLI's arguments after `cdk`; the report shows them with placeholders, so the doc says what really ran. */
function synthArgs(variant: string, n: string, outdir: string): string[] {
  return [
    'synth',
    '-a',
    APP_CMD,
    '-c',
    `variant=${variant}`,
    '-c',
    `n=${n}`,
    '-o',
    outdir,
    '-q',
    // CDKMetadata is the same one resource for both; leaving it out keeps the counts to what each variant adds.
    '--no-version-reporting',
    // aws-cdk-lib refuses to synthesize more than 500 resources; lift that for both variants so that an
    // over-limit template can still be measured (the deployability column reports the limit).
    '-c',
    '@aws-cdk/core:stackResourceLimit=0',
  ];
}

/** The command line as the report shows it. */
export const SYNTH_COMMAND = `cdk ${synthArgs('…', '…', '<tmp>')
  .map((a) => (a.includes(' ') ? `"${a}"` : a))
  .join(' ')}`;

/** One variant at one N. */
export interface SynthCell {
  /** Wall time of each run, in run order (run i of ours and run i of theirs ran back to back). */
  readonly ms: readonly number[];
  /** CPU time (user + system) of each run's process tree; empty off Linux. */
  readonly cpuMs: readonly number[];
  /** The template of the last run, against the deployment limits. */
  readonly stats: TemplateStats;
  /**
   * Set when aws-cdk-lib's built-in CloudFormation validation refused to synthesize this variant at this N (its
   * message): the variant cannot be synthesized with default settings, and the times and template above come from
   * runs with that validation off (CDK_VALIDATION=false), so they are not comparable with the other cells.
   */
  readonly refused?: string;
}

export type SynthRow = { readonly n: number } & Readonly<Record<Variant, SynthCell>>;

export interface SynthSettings {
  readonly ns: readonly number[];
  readonly runs: number;
  /** The N of the synth-time target gets more runs: it decides a target on a noisy machine. */
  readonly targetN: number;
  readonly targetRuns: number;
}

export interface SynthOutcome {
  /** One row per N, in the order of settings.ns. */
  readonly rows: SynthRow[];
  /** The templates at the first N, to build handler events from. */
  readonly firstTemplates: Record<Variant, Template>;
  /** The cloud assembly of ours at N = 1, when 1 was among the Ns (the lifecycle world deploys it); caller removes tmp. */
  readonly oursAssemblyAtOne?: string;
}

/**
 * The line of aws-cdk-lib's built-in validation refusing a template, when that is why a synth failed, without its
 * marker (`❌ ` in some CLI versions, `ERROR ` in aws-cdk 2.1148).
 */
export function validationRefusal(output: string): string | undefined {
  return /^.*\(CloudFormation Validate\).*$/m
    .exec(output)?.[0]
    .trim()
    .replace(/^[^A-Za-z]+/, '')
    .replace(/^ERROR\s+/, '');
}

async function cliSynth(variant: Variant, n: number, outdir: string, validate = true): Promise<{ ms: number; cpuMs?: number; body: string; refused?: string }> {
  const r = await run(process.execPath, [CDK_CLI, ...synthArgs(variant, String(n), outdir)], { ...offlineEnv(), ...(validate ? {} : { CDK_VALIDATION: 'false' }) });
  if (r.code !== 0) {
    const refused = validate ? validationRefusal(`${r.stderr}\n${r.stdout}`) : undefined;
    // The honest row for a template aws-cdk-lib refuses: say so, and measure it with that validation off.
    if (refused) {
      // A failed synth leaves an assembly behind that fails the next synth into the same directory.
      fs.rmSync(outdir, { recursive: true, force: true });
      return { ...(await cliSynth(variant, n, outdir, false)), refused };
    }
    throw new Error(`cdk synth ${variant} n=${n} failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
  }
  const body = fs.readFileSync(path.join(outdir, `${BENCH_STACK}.template.json`), 'utf8');
  return { ms: r.ms, cpuMs: r.cpuMs, body };
}

export async function synthAll(settings: SynthSettings, tmp: string): Promise<SynthOutcome> {
  const rows: SynthRow[] = [];
  const firstTemplates: Partial<Record<Variant, Template>> = {};
  let oursAssemblyAtOne: string | undefined;
  let i = 0;
  for (const n of settings.ns) {
    const runs = n === settings.targetN ? settings.targetRuns : settings.runs;
    const ms: Record<Variant, number[]> = { ours: [], awscr: [] };
    const cpuMs: Record<Variant, number[]> = { ours: [], awscr: [] };
    const last: Partial<Record<Variant, string>> = {};
    const refused: Partial<Record<Variant, string>> = {};
    for (let r = 0; r < runs; r++) {
      // Alternate which variant goes first, so neither always runs on a warmer (or busier) machine.
      const order: Variant[] = r % 2 === 0 ? ['ours', 'awscr'] : ['awscr', 'ours'];
      for (const v of order) {
        const outdir = path.join(tmp, `synth-${i++}`);
        const res = await cliSynth(v, n, outdir);
        ms[v].push(res.ms);
        if (res.cpuMs !== undefined) cpuMs[v].push(res.cpuMs);
        if (res.refused) refused[v] = res.refused;
        if (r === runs - 1) last[v] = res.body;
        if (r === runs - 1 && v === 'ours' && n === 1) oursAssemblyAtOne = outdir;
        else fs.rmSync(outdir, { recursive: true, force: true });
        log(`synth ${v.padEnd(5)} n=${String(n).padEnd(3)} run ${r + 1}/${runs}: ${fmtS(res.ms)} wall, ${res.cpuMs === undefined ? '?' : fmtS(res.cpuMs)} CPU`);
      }
    }
    const cell = (v: Variant): SynthCell => ({ ms: ms[v], cpuMs: cpuMs[v], stats: templateStats(last[v]!), ...(refused[v] ? { refused: refused[v] } : {}) });
    rows.push({ n, ours: cell('ours'), awscr: cell('awscr') });
    if (n === settings.ns[0]) for (const v of VARIANTS) firstTemplates[v] = JSON.parse(last[v]!) as Template;
  }
  return { rows, firstTemplates: firstTemplates as Record<Variant, Template>, oursAssemblyAtOne };
}
