import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { isUpdateRollingBack, stackRegion } from '../../../lambda/handler/stack-state';

const cfn = mockClient(CloudFormationClient);
const STACK = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/app/5b8f1f90-0000-11ef-0000-000000000000';

beforeEach(() => cfn.reset());

describe('isUpdateRollingBack', () => {
  it.each([
    ['UPDATE_ROLLBACK_IN_PROGRESS', true],
    ['UPDATE_IN_PROGRESS', false],
    ['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', false],
    ['ROLLBACK_IN_PROGRESS', false],
    ['CREATE_IN_PROGRESS', false],
  ] as const)('is %s -> %s', async (status, expected) => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'app', StackStatus: status, CreationTime: new Date() }] });
    await expect(isUpdateRollingBack(new CloudFormationClient({ region: 'eu-west-1' }), STACK)).resolves.toBe(expected);
    expect(cfn).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: STACK });
  });

  it.each([
    ['no Stacks', {}],
    ['an empty Stacks list', { Stacks: [] }],
  ])('is false for an answer with %s', async (_name, answer) => {
    cfn.on(DescribeStacksCommand).resolves(answer);
    await expect(isUpdateRollingBack(new CloudFormationClient({ region: 'eu-west-1' }), STACK)).resolves.toBe(false);
  });
});

describe('stackRegion', () => {
  it('reads the region from the stack ARN', () => {
    expect(stackRegion(STACK)).toBe('eu-west-1');
    expect(stackRegion('not-an-arn')).toBeUndefined();
  });
});
