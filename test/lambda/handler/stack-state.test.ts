import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { continueRollbackCommand, describeOwnStack, stackNameOf, stackRegion } from '../../../lambda/handler/stack-state';

const cfn = mockClient(CloudFormationClient);
const STACK = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/app/5b8f1f90-0000-11ef-0000-000000000000';

beforeEach(() => cfn.reset());

const rollingBack = (client: CloudFormationClient, stackId: string) => describeOwnStack(client, stackId).then((s) => s.rollingBack);

describe('describeOwnStack', () => {
  it.each([
    ['UPDATE_ROLLBACK_IN_PROGRESS', true],
    ['UPDATE_IN_PROGRESS', false],
    ['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', false],
    ['ROLLBACK_IN_PROGRESS', false],
    ['CREATE_IN_PROGRESS', false],
  ] as const)('is %s -> %s', async (status, expected) => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'app', StackStatus: status, CreationTime: new Date() }] });
    await expect(rollingBack(new CloudFormationClient({ region: 'eu-west-1' }), STACK)).resolves.toBe(expected);
    expect(cfn).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: STACK });
  });

  it.each([
    ['no Stacks', {}],
    ['an empty Stacks list', { Stacks: [] }],
  ])('is false for an answer with %s', async (_name, answer) => {
    cfn.on(DescribeStacksCommand).resolves(answer);
    await expect(rollingBack(new CloudFormationClient({ region: 'eu-west-1' }), STACK)).resolves.toBe(false);
  });
});

describe('describeOwnStack of a nested stack', () => {
  it('reads its root and parent, and nothing for a root stack', async () => {
    const root = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/root/1';
    const parent = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/root-Mid-X/2';
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce({
        Stacks: [{ StackName: 'n', StackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS', CreationTime: new Date(), RootId: root, ParentId: parent }],
      })
      .resolves({ Stacks: [{ StackName: 'app', StackStatus: 'UPDATE_IN_PROGRESS', CreationTime: new Date() }] });
    const client = new CloudFormationClient({ region: 'eu-west-1' });
    await expect(describeOwnStack(client, STACK)).resolves.toEqual({ rollingBack: true, rootId: root, parentId: parent });
    await expect(describeOwnStack(client, STACK)).resolves.toEqual({ rollingBack: false });
  });
});

describe('continueRollbackCommand', () => {
  it('names the stack itself and the logical id when the stack is a root stack', () => {
    const expected = `\`aws cloudformation continue-update-rollback --stack-name ${STACK} --resources-to-skip Gate1234\``;
    expect(continueRollbackCommand(STACK, 'Gate1234', undefined)).toBe(expected);
    expect(continueRollbackCommand(STACK, 'Gate1234', { rollingBack: true })).toBe(expected);
    expect(continueRollbackCommand(STACK, 'Gate1234', { rollingBack: true, rootId: STACK })).toBe(expected);
  });

  it('names the root stack and the nested form NestedStackLogicalId.ResourceLogicalId for a nested stack', () => {
    const root = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/root/1';
    const parent = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/root-Mid-X/2';
    const command = continueRollbackCommand(STACK, 'Gate1234', { rollingBack: true, rootId: root, parentId: parent });
    expect(command).toContain(`--stack-name ${root} --resources-to-skip <NestedStackLogicalId>.Gate1234\``);
    expect(command).not.toContain(`--stack-name ${STACK}`);
    expect(command).toContain(`its parent ${parent}`);
    expect(command).toContain(`describe-stack-resources --physical-resource-id ${STACK}`);
  });
});

describe('stackNameOf', () => {
  it('reads the name from a stack ARN, and keeps a plain name', () => {
    expect(stackNameOf(STACK)).toBe('app');
    expect(stackNameOf('app')).toBe('app');
  });
});

describe('stackRegion', () => {
  it('reads the region from the stack ARN', () => {
    expect(stackRegion(STACK)).toBe('eu-west-1');
    expect(stackRegion('not-an-arn')).toBeUndefined();
  });
});
