/**
 * The reader role in the gate's properties (ReaderRoleArn, ReaderRoleExternalId), as the handler parses them for a
 * gate (with its stack id) and for the check (without): every accepted value at its edges, what is rejected and how
 * the message names it, the session name STS and CloudTrail show, and the account and region the attributes report.
 */
import { SyncGateError } from '../../../lambda/core/errors';
import { parseSettings, readerSessionName } from '../../../lambda/poll/settings';
import { SOURCES } from '../../../lambda/sources';
import { Prop } from '../../../lib/contract';
import { GATE_PROPS, GIT_SYNC_PROPS } from '../../fixtures';

const STACK_ID = 'arn:aws:cloudformation:us-east-1:111111111111:stack/GateStack/5b8f1f90-0000-11ef-0000-000000000000';
const ROLE = 'arn:aws:iam::222222222222:role/sync-gate-reader';
/** `null`: no stack, as the check command parses. */
const parse = (props: Record<string, unknown>, stackId: string | null = STACK_ID) => parseSettings(props, 'us-east-1', SOURCES, stackId ?? undefined);

describe('a gate without a reader role', () => {
  it('reads in its own stack\'s account, in its region, with no role', () => {
    const s = parse(GIT_SYNC_PROPS);
    expect(s.subject.readerRole).toBeUndefined();
    expect(s.location).toEqual({ account: '111111111111', region: 'us-east-1' });
  });

  it('names no account when there is no stack (the check command without --role-arn)', () => {
    expect(parse({ ...GIT_SYNC_PROPS, [Prop.Region]: 'eu-west-1' }, null).location).toEqual({ account: '', region: 'eu-west-1' });
  });
});

describe('a gate with a reader role', () => {
  it('reads in the role\'s account, through the role, in a session named after its stack', () => {
    const s = parse({ ...GIT_SYNC_PROPS, [Prop.ReaderRoleArn]: ROLE, [Prop.ReaderRoleExternalId]: 'ext-1' });
    expect(s.subject.readerRole).toEqual({ roleArn: ROLE, partition: 'aws', account: '222222222222', externalId: 'ext-1', sessionName: 'cdk-git-sync-gate-GateStack' });
    expect(s.location).toEqual({ account: '222222222222', region: 'us-east-1' });
  });

  it('for both sources', () => {
    expect(parse({ ...GATE_PROPS, [Prop.ReaderRoleArn]: ROLE }).subject).toMatchObject({ source: 'proton', readerRole: { roleArn: ROLE } });
  });

  it.each([
    ['a role with a path', 'arn:aws:iam::222222222222:role/platform/readers/sync-gate-reader'],
    ['a name of 64 characters', `arn:aws:iam::222222222222:role/${'r'.repeat(64)}`],
    ['a name of 1 character', 'arn:aws:iam::222222222222:role/r'],
    ["every character IAM allows in a name", 'arn:aws:iam::222222222222:role/a_b+c=d,e.f@g-h'],
  ])('accepts %s', (_case, arn) => {
    expect(parse({ ...GIT_SYNC_PROPS, [Prop.ReaderRoleArn]: arn }).subject.readerRole?.roleArn).toBe(arn);
  });

  it.each([
    ['a role of another partition than the stack\'s', 'arn:aws-cn:iam::222222222222:role/reader', /expected a role in the partition of the gate's stack \(aws\)/],
    ['a user', 'arn:aws:iam::222222222222:user/reader', /expected an IAM role's ARN/],
    ['an account of 11 digits', 'arn:aws:iam::22222222222:role/reader', /expected an IAM role's ARN/],
    ['a name of 65 characters', `arn:aws:iam::222222222222:role/${'r'.repeat(65)}`, /expected an IAM role's ARN/],
    ['a wildcard', 'arn:aws:iam::222222222222:role/reader*', /expected an IAM role's ARN/],
    ['a role name alone', 'sync-gate-reader', /expected an IAM role's ARN/],
    ['an empty value', '', /expected an IAM role's ARN/],
    ['a region in the ARN', 'arn:aws:iam:us-east-1:222222222222:role/reader', /expected an IAM role's ARN/],
  ])('rejects %s, naming the property and the value', (_case, arn, allowed) => {
    const act = () => parse({ ...GIT_SYNC_PROPS, [Prop.ReaderRoleArn]: arn });
    expect(act).toThrow(SyncGateError);
    expect(act).toThrow(`Invalid ReaderRoleArn ${JSON.stringify(arn)}: `);
    expect(act).toThrow(allowed);
  });

  it('accepts a role of any partition when there is no stack to compare with (the check)', () => {
    expect(parse({ ...GIT_SYNC_PROPS, [Prop.ReaderRoleArn]: 'arn:aws-cn:iam::222222222222:role/reader' }, null).subject.readerRole?.partition).toBe('aws-cn');
  });

  it.each([
    ['2 characters', 'ab'],
    ['1,224 characters', 'x'.repeat(1224)],
    ['every character STS allows', 'a_B+0=c,d.e@f:g/h-i'],
  ])('accepts an external id of %s', (_case, externalId) => {
    expect(parse({ ...GIT_SYNC_PROPS, [Prop.ReaderRoleArn]: ROLE, [Prop.ReaderRoleExternalId]: externalId }).subject.readerRole?.externalId).toBe(externalId);
  });

  it.each([
    ['1 character', 'a'],
    ['1,225 characters', 'x'.repeat(1225)],
    ['a space', 'a b'],
  ])('rejects an external id of %s', (_case, externalId) => {
    expect(() => parse({ ...GIT_SYNC_PROPS, [Prop.ReaderRoleArn]: ROLE, [Prop.ReaderRoleExternalId]: externalId })).toThrow(
      `Invalid ReaderRoleExternalId ${JSON.stringify(externalId)}: expected 2-1224 characters`,
    );
  });

  it('rejects an external id without a role: it would never be sent', () => {
    expect(() => parse({ ...GIT_SYNC_PROPS, [Prop.ReaderRoleExternalId]: 'ext-1' })).toThrow(
      'Invalid ReaderRoleExternalId "ext-1": an external id goes with a reader role, and ReaderRoleArn names none: set both or neither.',
    );
  });
});

describe('the session name', () => {
  it.each([
    ['a gate', STACK_ID, 'cdk-git-sync-gate-GateStack'],
    ['the check command', undefined, 'cdk-git-sync-gate-check'],
    ['a stack of 128 characters, cut to STS\'s 64', `arn:aws:cloudformation:us-east-1:111111111111:stack/${'S'.repeat(128)}/id`, `cdk-git-sync-gate-${'S'.repeat(46)}`],
  ])('of %s is %s', (_case, stackId, name) => {
    expect(readerSessionName(stackId)).toBe(name);
    expect(name).toMatch(/^[\w+=,.@-]{2,64}$/);
  });
});
