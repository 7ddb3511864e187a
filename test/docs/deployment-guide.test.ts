/**
 * docs/deployment.md as a user in CI would run it. Every command in its `sh` blocks is read from the page and:
 * - `npx cdk synth` / `deploy` / `diff` lines are synthesized with their context (the example app with cdk.json's
 *   context plus the line's `-c` keys, as the CDK CLI runs it; one line through the real CDK CLI too), and the
 *   template must hold exactly the gates the line's comment names;
 * - `npx cdk-git-sync-gate check` lines run through the built command (assets/cli/index.js) against the fake
 *   CodeStar Connections and fake Proton, and must exit 0, 1 and 2 when the sync passed, failed or cannot be read;
 * - lines that need AWS (bootstrap, deploy, diff, destroy) must use only flags the installed CDK CLI has, deploy
 *   with `--require-approval never` and destroy with `--force`;
 * - the `aws codestar-connections` line must pass the operation's required members, as in the API model.
 * The context table must list exactly the keys the app reads, with cdk.json's defaults, and the permissions table
 * the resource types and counts of the synthesized template. A context key the app does not read, a gate the
 * guide promises and the app does not make, or a flag the CLI does not know fails here.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { CONTEXT_KEYS, exampleStackProps } from '../../bin/example-context';
import { ExampleStack } from '../../bin/example-stack';
import { GIT_SYNC_RESOURCE_TYPE, Prop, PROTON_RESOURCE_TYPE } from '../../lib/contract';
import { GIT_SYNC_STATUS, wireGitSyncAttempt, wireGitSyncOutput } from '../../offline/fake-codestar-connections';
import { wireAttempt, wireSyncOutput } from '../../offline/fake-proton';
import { readAssembly, synthExampleApp, SynthesizedStack, Template } from '../../offline/synth';
import { runBundle } from '../cli/cli-fixtures';
import { useFakeSources } from '../support/fake-sources';

const ROOT = path.join(__dirname, '..', '..');
const GUIDE = fs.readFileSync(path.join(ROOT, 'docs', 'deployment.md'), 'utf8');
const CDK_CONTEXT = (JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
const BUNDLE = path.join(ROOT, 'assets', 'cli', 'index.js');
const CDK_CLI = path.join(ROOT, 'node_modules', '.bin', 'cdk');
/** What `git rev-parse HEAD` prints in the pipeline these commands run in. */
const HEAD = '5d41402abc4b2a76b9719d911017c592ae3f2b1c';
/** What `git log -1 --format=%H -- <the deployment and template files>` prints there: an older commit that changed them. */
const FILES_HEAD = '7b52009b64fd0a2a49e6d8a939753077792b0554';
/** The shell expansions the guide may use, as the pipeline would expand them. Any other `$` fails the test. */
const EXPANSIONS: Readonly<Record<string, string>> = {
  '"$(git rev-parse HEAD)"': HEAD,
  '$(git rev-parse HEAD)': HEAD,
  '"$(git log -1 --format=%H -- deployments/network.yaml templates/network.yaml)"': FILES_HEAD,
};
/** The region of the pipeline's AWS credentials (AWS_REGION), for the lines that do not name one. */
const PIPELINE_REGION = 'eu-west-1';

/** One command of the guide: its words (quotes removed, known expansions expanded) and its trailing comment. */
interface Command {
  readonly shown: string;
  readonly words: readonly string[];
  readonly comment: string;
}

/** The commands of every `sh` block: continuation lines joined, comment-only lines skipped. */
function guideCommands(markdown: string): Command[] {
  const commands: Command[] = [];
  for (const block of markdown.matchAll(/^```sh\n([^]*?)^```$/gm)) {
    const lines = block[1].replace(/\\\n\s*/g, ' ').split('\n');
    for (const line of lines.map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))) {
      const [code, comment] = splitComment(line);
      commands.push({ shown: line, words: shellWords(code), comment });
    }
  }
  return commands;
}

/** Splits `code   # comment` at the first `#` after whitespace outside quotes. */
function splitComment(line: string): [string, string] {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && /\s/.test(line[i - 1] ?? ' ')) return [line.slice(0, i).trim(), line.slice(i + 1).trim()];
  }
  return [line, ''];
}

/** Words as the shell splits them, after the known expansions; quotes removed. */
function shellWords(code: string): string[] {
  let expanded = code;
  for (const [from, to] of Object.entries(EXPANSIONS)) expanded = expanded.split(from).join(to);
  const words: string[] = [];
  for (const m of expanded.matchAll(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g)) words.push(m[0].replace(/"([^"]*)"|'([^']*)'/g, '$1$2'));
  return words;
}

const byPrefix = (...prefix: string[]) => (c: Command): boolean => prefix.every((p, i) => c.words[i] === p);
const COMMANDS = guideCommands(GUIDE);
const cdkCommands = COMMANDS.filter(byPrefix('npx', 'cdk'));
const checkCommands = COMMANDS.filter(byPrefix('npx', 'cdk-git-sync-gate'));

/** The `-c key=value` pairs of a cdk line (also `--context`). */
function contextOf(c: Command): Record<string, string> {
  const context: Record<string, string> = {};
  c.words.forEach((w, i) => {
    if (w !== '-c' && w !== '--context') return;
    const pair = c.words[i + 1] ?? '';
    const eq = pair.indexOf('=');
    if (eq < 1) throw new Error(`${c.shown}: "${w} ${pair}" is not key=value`);
    context[pair.slice(0, eq)] = pair.slice(eq + 1);
  });
  return context;
}

/** The CDK CLI options that take a value (the next word), among those a deployment guide would use. */
const TAKES_VALUE = new Set(['--require-approval', '--profile', '--region', '-o', '--output', '--app', '--qualifier', '--toolkit-stack-name', '--cloudformation-execution-policies']);

/** The flags of a cdk line other than its context, and its positional arguments after the subcommand. */
function flagsOf(c: Command): { flags: Map<string, string | undefined>; positional: string[] } {
  const flags = new Map<string, string | undefined>();
  const positional: string[] = [];
  const words = c.words.slice(3);
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '-c' || w === '--context') i++;
    else if (w.startsWith('-')) {
      flags.set(w, TAKES_VALUE.has(w) ? words[++i] : undefined);
    } else positional.push(w);
  }
  return { flags, positional };
}

/** The gates a line's comment promises: `Git sync gate for "stack"`, `Proton gate for "service"/"instance"`. */
function promisedGates(c: Command): { gitSync: string[]; proton: string[] } {
  return {
    gitSync: [...c.comment.matchAll(/Git sync gate for "([^"]+)"/g)].map((m) => m[1]).sort(),
    proton: [...c.comment.matchAll(/Proton gate for "([^"]+)"\/"([^"]+)"/g)].map((m) => `${m[1]}/${m[2]}`).sort(),
  };
}

/** The gates a template holds, named as promisedGates names them. */
function gatesIn(template: Template): { gitSync: string[]; proton: string[] } {
  const ofType = (type: string) => Object.values(template.Resources).filter((r) => r.Type === type).map((r) => r.Properties as Record<string, string>);
  return {
    gitSync: ofType(GIT_SYNC_RESOURCE_TYPE).map((p) => p[Prop.StackName]).sort(),
    proton: ofType(PROTON_RESOURCE_TYPE).map((p) => `${p[Prop.ServiceName]}/${p[Prop.ServiceInstanceName]}`).sort(),
  };
}

const gateResources = (template: Template) => Object.values(template.Resources).filter((r) => r.Type === GIT_SYNC_RESOURCE_TYPE || r.Type === PROTON_RESOURCE_TYPE);

/** The keys the example app reads, recorded by asking it. */
function keysTheAppReads(): string[] {
  const asked = new Set<string>();
  exampleStackProps((key) => {
    asked.add(key);
    return undefined;
  });
  return [...asked].sort();
}

/** The rows of the first table after `heading`: cells without their outer pipes. */
function tableAfter(heading: string): string[][] {
  const section = GUIDE.slice(GUIDE.indexOf(heading));
  const lines = section.split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, -1).split(' | ').map((cell) => cell.trim()));
  }
  return rows;
}

/** Option names (`--force`, `-c`) in the installed CDK CLI's help for `subcommand`. */
const helpCache = new Map<string, Set<string>>();
function cdkOptions(subcommand: string): Set<string> {
  if (!helpCache.has(subcommand)) {
    const help = execFileSync(CDK_CLI, [subcommand, '--help'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' } });
    helpCache.set(subcommand, new Set(help.match(/(?<=\s|^|,)--?[a-zA-Z][\w-]*/g) ?? []));
  }
  return helpCache.get(subcommand)!;
}

describe('the commands docs/deployment.md shows', () => {
  it('are found: synth, deploy, bootstrap, destroy and check lines for both sources', () => {
    const subcommands = new Set(cdkCommands.map((c) => c.words[2]));
    expect([...subcommands].sort()).toEqual(['bootstrap', 'deploy', 'destroy', 'diff', 'synth']);
    expect(checkCommands.map((c) => c.words[3]).sort()).toEqual(['git-sync', 'proton']);
    // Every expansion the lines use is one the test knows (a pipeline variable it does not know would go unchecked).
    for (const c of [...cdkCommands, ...checkCommands]) expect({ line: c.shown, words: c.words.filter((w) => w.includes('$')) }).toEqual({ line: c.shown, words: [] });
  });

  it('pass only context keys the example app reads', () => {
    const read = keysTheAppReads();
    for (const c of cdkCommands) {
      for (const key of Object.keys(contextOf(c))) expect({ line: c.shown, key, read: read.includes(key) }).toEqual({ line: c.shown, key, read: true });
    }
  });
});

describe('the context table', () => {
  const rows = tableAfter('## The example app and its context');
  const keyOf = (row: string[]): string => row[0].replace(/`/g, '');

  it('lists exactly the keys the example app reads', () => {
    expect(rows.map(keyOf).sort()).toEqual(keysTheAppReads());
    expect(keysTheAppReads()).toEqual([...CONTEXT_KEYS].sort());
  });

  it("gives cdk.json's defaults, and no default where cdk.json has none", () => {
    for (const row of rows) {
      const key = keyOf(row);
      const fromCdkJson = CDK_CONTEXT[key];
      expect({ key, default: row[1] }).toEqual({ key, default: fromCdkJson === undefined ? expect.not.stringContaining('`') : `\`${String(fromCdkJson)}\`` });
    }
  });
});

describe('synthesizing the lines of the guide', () => {
  const synthesizing = cdkCommands.filter((c) => ['synth', 'deploy', 'diff'].includes(c.words[2]));
  let stacks: SynthesizedStack[];

  beforeAll(() => {
    stacks = synthExampleApp(synthesizing.map(contextOf));
  }, 180_000);

  it('every synth, deploy and diff line says which gates it gives', () => {
    for (const c of synthesizing) {
      const promised = promisedGates(c);
      expect({ line: c.shown, saysWhichGates: promised.gitSync.length + promised.proton.length > 0 }).toEqual({ line: c.shown, saysWhichGates: true });
    }
  });

  it('gives exactly the gates its comment names, with the expected sha and region it passes on every gate', () => {
    synthesizing.forEach((c, i) => {
      const { template } = stacks[i];
      expect({ line: c.shown, gates: gatesIn(template) }).toEqual({ line: c.shown, gates: promisedGates(c) });
      const context = contextOf(c);
      for (const gate of gateResources(template)) {
        expect({ line: c.shown, expectedSha: gate.Properties?.[Prop.ExpectedSha], region: gate.Properties?.[Prop.Region] }).toEqual({
          line: c.shown,
          expectedSha: context.expectedSha,
          region: context.region,
        });
      }
    });
  });

  it('synthesizes the stack the destroy line deletes', () => {
    const destroyed = cdkCommands.filter(byPrefix('npx', 'cdk', 'destroy')).map((c) => flagsOf(c).positional);
    expect(destroyed.length).toBeGreaterThan(0);
    for (const names of destroyed) expect(names).toEqual([stacks[0].stackName]);
  });

  it('quotes the error the app gives for one Proton key without the other', () => {
    const quoted = [...GUIDE.matchAll(/^```text\n([^]*?)\n```$/gm)].map((m) => m[1]).find((t) => t.includes('the Proton gate needs both'))!;
    const [, key, value] = /^(\w+) is set \("([^"]+)"\)/.exec(quoted)!;
    const context: Record<string, unknown> = { ...CDK_CONTEXT, [key]: value };
    expect(() => new ExampleStack(new App(), 'Example', exampleStackProps((k) => context[k]))).toThrow(quoted);
    expect(quoted).toContain(`Add -c ${key === 'serviceName' ? 'serviceInstanceName' : 'serviceName'}=<name>`);
  });
});

describe('the first synth line with context, through the real CDK CLI', () => {
  const line = cdkCommands.find((c) => c.words[2] === 'synth' && Object.keys(contextOf(c)).length > 0)!;
  let viaCli: SynthesizedStack;
  let outdir: string;

  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'guide-synth-'));
    execFileSync(CDK_CLI, [...line.words.slice(2), '-q', '-o', outdir], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
      timeout: 120_000,
    });
    viaCli = readAssembly(outdir);
  }, 120_000);

  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  it('gives the gates its comment names, with the properties the offline synth gives them', () => {
    expect(gatesIn(viaCli.template)).toEqual(promisedGates(line));
    // The same properties as the offline world's synth of the same context (but the nonce, new on every synth).
    const props = (t: Template) => gateResources(t).map((r) => ({ ...r.Properties, [Prop.DeploymentNonce]: undefined }));
    const [offline] = synthExampleApp([contextOf(line)]);
    expect(props(viaCli.template)).toEqual(props(offline.template));
  });

  it('has every resource type the permissions table lists for it, in the numbers it gives', () => {
    const rows = tableAfter('## Permissions of the deploying identity').map((row) => ({ type: /`([^`]+)`/.exec(row[0])![1], count: row[1] }));
    const counts = new Map<string, number>();
    for (const r of Object.values(viaCli.template.Resources)) counts.set(r.Type, (counts.get(r.Type) ?? 0) + 1);
    const gates = gateResources(viaCli.template).length;
    // Every type of the template has its row ...
    expect([...counts.keys()].filter((t) => !rows.some((r) => r.type === t))).toEqual([]);
    // ... with its count: a number, or "1 per gate" for what each gate adds.
    for (const row of rows.filter((r) => counts.has(r.type))) {
      expect({ type: row.type, count: counts.get(row.type) }).toEqual({ type: row.type, count: row.count === '1 per gate' ? gates : Number(row.count) });
    }
    // The rows it does not have are the other source's gate, which the Proton keys add (below).
    expect(rows.filter((r) => !counts.has(r.type)).map((r) => r.type)).toEqual([PROTON_RESOURCE_TYPE]);
    const [withProton] = synthExampleApp([{ ...contextOf(line), serviceName: 'api', serviceInstanceName: 'prod' }]);
    expect(gatesIn(withProton.template).proton).toEqual(['api/prod']);
  });
});

describe('the check lines, through the built command against the fakes', () => {
  const fakes = useFakeSources();

  const option = (c: Command, name: string): string => c.words[c.words.indexOf(name) + 1];
  const run = (c: Command) =>
    runBundle(BUNDLE, c.words.slice(2), {
      ...fakes.endpoints(),
      AWS_REGION: PIPELINE_REGION,
    });

  /** Scripts the line's subject: its latest sync at the pipeline's commit with `status`, or nothing (not found). */
  function script(c: Command, status: 'SUCCEEDED' | 'FAILED' | undefined): () => number {
    if (c.words[3] === 'git-sync') {
      const stack = option(c, '--stack');
      if (status) fakes.gitSync.script(stack, [{ respond: wireGitSyncOutput({ desired: HEAD, latest: wireGitSyncAttempt(status, HEAD) }) }]);
      return () => fakes.gitSync.callsFor(stack, GIT_SYNC_STATUS).filter((call) => call.region === PIPELINE_REGION).length;
    }
    const [service, instance] = [option(c, '--service'), option(c, '--instance')];
    if (status) fakes.proton.script(service, instance, [{ respond: wireSyncOutput({ desired: HEAD, latest: wireAttempt(status, HEAD) }) }]);
    return () => fakes.proton.callsFor(service, instance).filter((call) => call.region === PIPELINE_REGION).length;
  }

  it.each([
    ['0 when the sync succeeded at the pipeline\'s commit', 'SUCCEEDED' as const, 0],
    ['1 when that sync failed', 'FAILED' as const, 1],
    ['3 (no decision) when the subject has no sync status to read', undefined, 3],
  ])('exit %s', async (_label, status, code) => {
    for (const c of checkCommands) {
      const calls = script(c, status);
      const result = await run(c);
      expect({ line: c.shown, code: result.code }).toEqual({ line: c.shown, code });
      // One read of the status, of the subject the line names, in the pipeline's region.
      expect({ line: c.shown, calls: calls() }).toEqual({ line: c.shown, calls: 1 });
    }
  }, 60_000);
});

describe('the lines that need AWS', () => {
  it('use only flags the installed CDK CLI has', () => {
    for (const c of cdkCommands) {
      const known = cdkOptions(c.words[2]);
      const used = [...flagsOf(c).flags.keys(), ...(Object.keys(contextOf(c)).length > 0 ? ['-c'] : [])];
      expect({ line: c.shown, unknown: used.filter((f) => !known.has(f)) }).toEqual({ line: c.shown, unknown: [] });
    }
  }, 60_000);

  it('deploy without waiting for an approval no pipeline can give, and destroy without a prompt', () => {
    const deploys = cdkCommands.filter(byPrefix('npx', 'cdk', 'deploy'));
    const destroys = cdkCommands.filter(byPrefix('npx', 'cdk', 'destroy'));
    expect(deploys.length).toBeGreaterThan(0);
    for (const c of deploys) expect({ line: c.shown, approval: flagsOf(c).flags.get('--require-approval') }).toEqual({ line: c.shown, approval: 'never' });
    for (const c of destroys) expect({ line: c.shown, force: flagsOf(c).flags.has('--force') }).toEqual({ line: c.shown, force: true });
  });

  it('bootstrap an explicit environment', () => {
    for (const c of cdkCommands.filter(byPrefix('npx', 'cdk', 'bootstrap'))) expect(flagsOf(c).positional).toEqual([expect.stringMatching(/^aws:\/\/\d{12}\/[a-z]{2,4}(-[a-z]+)+-\d$/)]);
  });

  it('read a Git-synced stack with the options GetResourceSyncStatus requires, with a sync type the model has', () => {
    const model = JSON.parse(fs.readFileSync(path.join(ROOT, 'offline', 'models', 'codestar-connections', 'resource-sync.smithy.json'), 'utf8')) as {
      shapes: Record<string, { members?: Record<string, { traits?: Record<string, unknown> }>; enum?: Record<string, unknown>; type: string }>;
    };
    const input = model.shapes['com.amazonaws.codestarconnections#GetResourceSyncStatusInput'];
    const required = Object.entries(input.members!)
      .filter(([, m]) => m.traits && 'smithy.api#required' in m.traits)
      .map(([name]) => `--${name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}`)
      .sort();
    const lines = COMMANDS.filter(byPrefix('aws', 'codestar-connections', 'get-resource-sync-status'));
    expect(lines.length).toBeGreaterThan(0);
    const syncTypes = JSON.stringify(model.shapes['com.amazonaws.codestarconnections#SyncConfigurationType']);
    for (const c of lines) {
      const flags = c.words.filter((w) => w.startsWith('--'));
      expect(flags.filter((f) => required.includes(f)).sort()).toEqual(required);
      expect(syncTypes).toContain(`"${c.words[c.words.indexOf('--sync-type') + 1]}"`);
    }
  });
});
