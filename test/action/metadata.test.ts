/**
 * action.yml is the action's contract with the runner and with workflows: the inputs it declares must be exactly
 * the ones the action reads (a declared input the code ignores, or one it reads that the runner would warn about,
 * fails here), its defaults the command's, its outputs exactly the ones the action writes, and its runtime the
 * Node.js the committed bundle is built for and tested with.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { actionInputs } from '../../action/inputs';
import { OUTPUTS } from '../../action/outputs';
import { sourceCommands } from '../../cli/commands';
import { DEFAULT_POLL } from '../../cli/help';
import { parseDuration } from '../../cli/settings';
import { SOURCES } from '../../lambda/sources';
import { actionMetadata, actionNode, ROOT } from './action-fixtures';

const metadata = actionMetadata();

describe('action.yml', () => {
  it('declares exactly the inputs the action reads, each described and none required by the runner', () => {
    expect(Object.keys(metadata.inputs).sort()).toEqual(actionInputs(sourceCommands(SOURCES)).sort());
    for (const [name, input] of Object.entries(metadata.inputs)) {
      expect([name, input.description.length > 20]).toEqual([name, true]);
      // The runner does not enforce `required`; the action says which inputs each source needs.
      expect([name, input.required]).toEqual([name, false]);
    }
  });

  it("defaults to the command's behaviour: Git sync, checking once, polling as the gate does", () => {
    expect(metadata.inputs.source.default).toBe('git-sync');
    expect(SOURCES.map((s) => s.kind)).toContain(metadata.inputs.source.default);
    expect(parseDuration(metadata.inputs.wait.default!)).toBe(0);
    expect(metadata.inputs.poll.default).toBe(DEFAULT_POLL);
    // The others have no default: the region comes from AWS_REGION, the subject and expected sha from the workflow.
    expect(Object.entries(metadata.inputs).filter(([, i]) => i.default !== undefined).map(([n]) => n)).toEqual(['source', 'wait', 'poll']);
  });

  it('declares exactly the outputs the action writes, each described', () => {
    expect(Object.keys(metadata.outputs)).toEqual([...OUTPUTS]);
    for (const output of Object.values(metadata.outputs)) expect(output.description.length).toBeGreaterThan(20);
  });

  it('runs the committed bundle on Node.js 24, the runtime GitHub runners run since node20 left them (2026-09-16)', () => {
    expect(metadata.runs).toEqual({ using: 'node24', main: 'action/dist/index.js' });
    expect(fs.existsSync(path.join(ROOT, metadata.runs.main))).toBe(true);
  });

  it('is tested with the Node.js major version that runs.using names, where this platform has one', () => {
    const version = execFileSync(actionNode(), ['--version'], { encoding: 'utf8' }).trim();
    if (actionNode() !== process.execPath) expect(version).toMatch(new RegExp(`^v${metadata.runs.using.replace('node', '')}\\.`));
  });
});
