/**
 * The GitHub workflow that README.md and docs/cli.md show, held to the action it uses: it takes the action from
 * this repository at this version's tag, gives only inputs action.yml declares, reads only outputs it declares (through
 * the gate job's outputs, into the deploy job that needs it), and gets its credentials through OIDC before the gate
 * step. Its gate step then runs, with the inputs as written, through the committed bundle against the fake Git sync.
 * docs/cli.md's input and output tables must list exactly action.yml's, with its defaults, and docs/iam.md's policy
 * exactly the read actions of the sources.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { SourceActions } from '../../lib/sources';
import { FakeCodeStarConnections, wireGitSyncAttempt, wireGitSyncOutput } from '../../offline/fake-codestar-connections';
import { actionMetadata, ROOT, runStep } from '../action/action-fixtures';
import { DESIRED } from '../fixtures';

const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; repository: { url: string } };
const metadata = actionMetadata();

interface Step {
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Readonly<Record<string, string>>;
}
interface Job {
  readonly needs?: string | readonly string[];
  readonly permissions?: Readonly<Record<string, string>>;
  readonly outputs?: Readonly<Record<string, string>>;
  readonly steps: readonly Step[];
}
interface Workflow {
  readonly permissions?: Readonly<Record<string, string>>;
  readonly jobs: Readonly<Record<string, Job>>;
}

function page(file: string): string {
  return fs.readFileSync(path.join(ROOT, file), 'utf8');
}

/** The block that follows `<!-- marker -->`. */
function marked(file: string, marker: string, lang: string): string {
  const match = new RegExp(`<!-- ${marker} -->\\n\`\`\`${lang}\\n([^]*?)\`\`\`\\n`).exec(page(file));
  if (!match) throw new Error(`${file} has no "<!-- ${marker} -->" ${lang} block`);
  return match[1];
}

/** The rows of the table that follows `<!-- marker -->`: its cells, without the header. */
function tableRows(file: string, marker: string): string[][] {
  const text = page(file);
  const start = text.indexOf(`<!-- ${marker} -->\n`);
  if (start === -1) throw new Error(`${file} has no "<!-- ${marker} -->" table`);
  const lines = text.slice(start).split('\n').slice(1);
  const table = lines.slice(0, lines.findIndex((l) => !l.startsWith('|')));
  return table.slice(2).map((row) => row.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim()));
}

/** `${{ steps.sync.outputs.sha }}` -> `['sync', 'sha']`. */
const STEP_OUTPUT = /^\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}$/;

/** This repository at this version's tag, as a workflow names the action: `<owner>/<repo>@v<version>`. */
function actionReference(): string {
  const match = /github\.com[/:]([^/]+)\/([^/.]+)(?:\.git)?$/.exec(PKG.repository.url);
  if (!match) throw new Error(`package.json repository.url is no GitHub repository: ${PKG.repository.url}`);
  return `${match[1]}/${match[2]}@v${PKG.version}`;
}

describe.each(['README.md', 'docs/cli.md'])('the GitHub workflow of %s', (file) => {
  const workflow = parse(marked(file, 'workflow:github-action', 'yaml')) as Workflow;
  const gate = workflow.jobs.gate;
  const actionStep = (): Step => {
    const steps = gate.steps.filter((s) => s.uses?.split('@')[0] === actionReference().split('@')[0]);
    expect(steps).toHaveLength(1);
    return steps[0];
  };

  it("uses this repository's action at this version's tag, with inputs action.yml declares", () => {
    const step = actionStep();
    expect(step.uses).toBe(actionReference());
    expect(step.id).toBeDefined();
    const given = Object.keys(step.with ?? {});
    expect(given.filter((name) => !(name in metadata.inputs))).toEqual([]);
    // The subject of the source it checks (git-sync by default), and a wait: a gate that checks once rarely helps.
    expect(given).toEqual(expect.arrayContaining(['stack-name', 'expected-sha', 'wait']));
    expect(step.with!['expected-sha']).toBe('${{ github.sha }}');
  });

  it('gets credentials through OIDC before the gate step: id-token write, configure-aws-credentials on Node.js 24 with a role', () => {
    expect(gate.permissions?.['id-token'] ?? workflow.permissions?.['id-token']).toBe('write');
    const index = gate.steps.findIndex((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(index).toBeGreaterThanOrEqual(0);
    expect(index).toBeLessThan(gate.steps.indexOf(actionStep()));
    const credentials = gate.steps[index];
    // v6 is the first major on node24 (2026-02-04); earlier ones ran on node20, which runners no longer have.
    expect(Number(/@v(\d+)$/.exec(credentials.uses!)?.[1])).toBeGreaterThanOrEqual(6);
    expect(credentials.with?.['role-to-assume']).toMatch(/^arn:aws:iam::\d{12}:role\/[\w+=,.@-]+$/);
    expect(credentials.with?.['aws-region']).toMatch(/^[a-z]{2}(-[a-z]+)+-\d$/);
  });

  it("passes the action's outputs through the gate job to a deploy job that needs it", () => {
    const id = actionStep().id;
    const outputs = Object.entries(gate.outputs ?? {});
    expect(outputs.length).toBeGreaterThan(0);
    for (const [, expression] of outputs) {
      const match = STEP_OUTPUT.exec(expression);
      expect([expression, match?.[1]]).toEqual([expression, id]);
      expect([expression, match![2] in metadata.outputs]).toEqual([expression, true]);
    }
    const deploy = workflow.jobs.deploy;
    expect([deploy.needs].flat()).toContain('gate');
    const read = [...JSON.stringify(deploy).matchAll(/needs\.gate\.outputs\.([\w-]+)/g)].map((m) => m[1]);
    expect(read.length).toBeGreaterThan(0);
    expect(read.filter((name) => !(name in (gate.outputs ?? {})))).toEqual([]);
  });

  it('runs its gate step as written against the fake Git sync, and hands the synced sha to the deploy job', async () => {
    const gitSync = await FakeCodeStarConnections.start();
    try {
      const step = actionStep();
      const inputs = Object.fromEntries(Object.entries(step.with!).map(([k, v]) => [k, v.replace('${{ github.sha }}', DESIRED)]));
      gitSync.script(inputs['stack-name'], [{ respond: wireGitSyncOutput({ desired: DESIRED, latest: wireGitSyncAttempt('SUCCEEDED', DESIRED) }) }]);
      const credentials = gate.steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))!;
      const region = credentials.with!['aws-region'];
      const run = await runStep({
        with: inputs,
        endpoints: { AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS: gitSync.endpoint },
        env: { AWS_REGION: region, AWS_DEFAULT_REGION: region },
      });
      expect(run.code).toBe(0);
      // The gate job's outputs, evaluated as the runner would, reach the deploy job's command.
      const jobOutputs = Object.fromEntries(Object.entries(gate.outputs!).map(([name, expression]) => [name, run.outputs[STEP_OUTPUT.exec(expression)![2]]]));
      const command = workflow.jobs.deploy.steps.map((s) => s.run ?? '').join('\n').replace(/\$\{\{\s*needs\.gate\.outputs\.([\w-]+)\s*\}\}/g, (_, name: string) => jobOutputs[name]);
      expect(command).toContain(DESIRED);
      expect(gitSync.callsFor(inputs['stack-name']).map((c) => c.region)).toEqual([region]);
    } finally {
      await gitSync.close();
    }
  });
});

describe("docs/cli.md's tables of the action", () => {
  it('list exactly the inputs of action.yml, with its defaults', () => {
    const rows = tableRows('docs/cli.md', 'action:inputs');
    const named = rows.flatMap(([names]) => [...names.matchAll(/`([\w-]+)`/g)].map((m) => m[1]));
    expect(named.sort()).toEqual(Object.keys(metadata.inputs).sort());
    for (const [names, , dflt] of rows) {
      for (const [, name] of names.matchAll(/`([\w-]+)`/g)) {
        const expected = metadata.inputs[name].default;
        if (expected !== undefined) expect([name, dflt]).toEqual([name, expect.stringContaining(`\`${expected}\``)]);
      }
    }
  });

  it('list exactly the outputs of action.yml', () => {
    expect(tableRows('docs/cli.md', 'action:outputs').map(([name]) => name.replace(/`/g, ''))).toEqual(Object.keys(metadata.outputs));
  });
});

describe("docs/iam.md's policy for a pipeline's role", () => {
  it('allows exactly the read actions of the sources, on Resource "*"', () => {
    const policy = JSON.parse(marked('docs/iam.md', 'policy:check-role', 'json')) as { Statement: { Effect: string; Action: string[]; Resource: string }[] };
    expect(policy.Statement.flatMap((s) => s.Action).sort()).toEqual(Object.values(SourceActions).flat().sort());
    for (const statement of policy.Statement) expect([statement.Effect, statement.Resource]).toEqual(['Allow', '*']);
  });

  it("trusts GitHub's OIDC provider for the role, for tokens meant for AWS STS", () => {
    const trust = JSON.parse(marked('docs/iam.md', 'policy:check-role-trust', 'json')) as {
      Statement: { Principal: { Federated: string }; Action: string; Condition: { StringEquals: Record<string, string> } }[];
    };
    expect(trust.Statement[0].Principal.Federated).toMatch(/:oidc-provider\/token\.actions\.githubusercontent\.com$/);
    expect(trust.Statement[0].Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(trust.Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:aud']).toBe('sts.amazonaws.com');
  });
});
