/**
 * The README's usage example, run as written (the ```ts block under `<!-- example:readme-usage -->`, in the stack
 * fixture test/doc-examples.test.ts type-checks): with GIT_COMMIT unset or empty it stops the synth with an error
 * that names the variable and what to set it to, rather than gating on any commit; with it set, the Git sync gate
 * waits for exactly that commit.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as gates from '../lib';
import { GIT_SYNC_RESOURCE_TYPE, PROTON_RESOURCE_TYPE } from '../lib/contract';
import { DESIRED } from './fixtures';
import { loadExample, markedExample } from './support/doc-examples';

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const Usage = loadExample(markedExample('README.md', README, 'readme-usage'), {
  'aws-cdk-lib': cdk,
  'aws-cdk-lib/aws-ssm': ssm,
  'cdk-git-sync-gate': gates,
});

/** Synthesizes the example's stack with GIT_COMMIT as given (undefined: unset), and puts the variable back. */
function synthWith(gitCommit: string | undefined): Template {
  const saved = process.env.GIT_COMMIT;
  if (gitCommit === undefined) delete process.env.GIT_COMMIT;
  else process.env.GIT_COMMIT = gitCommit;
  try {
    return Template.fromStack(new Usage(new cdk.App(), 'Usage'));
  } finally {
    if (saved === undefined) delete process.env.GIT_COMMIT;
    else process.env.GIT_COMMIT = saved;
  }
}

describe("the README's usage example", () => {
  it.each([
    ['unset', undefined],
    ['empty', ''],
  ])('stops the synth when GIT_COMMIT is %s, naming the variable, what it must hold and the command that gives it', (_name, value) => {
    expect(() => synthWith(value)).toThrow(
      /^GIT_COMMIT is empty or unset: set it to the commit the gate must see synced, a full sha or at least 7 hex digits \(GIT_COMMIT=\$\(git rev-parse HEAD\) npx cdk deploy\)\.$/,
    );
  });

  it('gates the Git-synced stack on exactly the commit GIT_COMMIT names when it is set, and the Proton instance on any', () => {
    const template = synthWith(DESIRED);
    template.hasResourceProperties(GIT_SYNC_RESOURCE_TYPE, { StackName: 'network', ExpectedSha: DESIRED });
    template.resourceCountIs(GIT_SYNC_RESOURCE_TYPE, 1);
    template.hasResourceProperties(PROTON_RESOURCE_TYPE, { ServiceName: 'api', ServiceInstanceName: 'prod', ExpectedSha: Match.absent() });
  });
});
