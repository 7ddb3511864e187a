/**
 * The gates' props, pinned exactly: every synth-time error message (each prop, each kind of bad value, each edge),
 * the values the checks leave to the handler (tokens), the exact CloudFormation resource each gate writes (how
 * defaults appear or are left out, the ServiceTimeout at the edges) and the attribute getters.
 *
 * Rejections throw before anything is synthesized; everything accepted is built into one stack and synthesized
 * once, so the file stays fast.
 */
import { App, CfnElement, CfnParameter, Duration, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GitSyncGate, GitSyncGateProps, ServiceInstanceSyncGate, ServiceInstanceSyncGateProps, SyncGateOptions } from '../../lib';
import type { SyncGateBase } from '../../lib/sync-gate-base';
import { SyncGateProvider } from '../../lib/sync-gate-provider';

const PROTON_NAMES = { serviceName: 'api', serviceInstanceName: 'prod' };
const GIT_NAMES = { stackName: 'network' };

function protonGate(props: Partial<ServiceInstanceSyncGateProps>, scope: Stack = new Stack(), id = 'Gate'): ServiceInstanceSyncGate {
  return new ServiceInstanceSyncGate(scope, id, { ...PROTON_NAMES, ...props });
}

function gitGate(props: Partial<GitSyncGateProps>, scope: Stack = new Stack(), id = 'Gate'): GitSyncGate {
  return new GitSyncGate(scope, id, { ...GIT_NAMES, ...props });
}

/** The rule every resource name (serviceName, serviceInstanceName, stackName) is held to, as the message states it. */
const NAME_RULE = "expected 1-100 characters matching ^[0-9A-Za-z]+[0-9A-Za-z_\\-]*$ (letters, digits, '-' and '_', starting with a letter or digit).";

/** A version 4 UUID, as crypto.randomUUID gives. */
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const HEX_40 = '0123456789abcdef0123456789abcdef01234567';

describe('resource names at synth', () => {
  const BAD_NAMES = [
    { what: 'an empty name', name: '' },
    { what: 'a name of 101 characters', name: 'a'.repeat(101) },
    { what: "a name starting with '-'", name: '-api' },
    { what: "a name starting with '_'", name: '_api' },
    { what: 'a name with a space', name: 'my api' },
    { what: 'a name with a dot', name: 'my.api' },
    { what: 'a name with a slash', name: 'team/api' },
    { what: 'a name with a non-ASCII letter', name: 'café' },
  ];
  const NAME_PROPS: { prop: string; build: (name: string) => unknown }[] = [
    { prop: 'serviceName', build: (name) => protonGate({ serviceName: name }) },
    { prop: 'serviceInstanceName', build: (name) => protonGate({ serviceInstanceName: name }) },
    { prop: 'stackName', build: (name) => gitGate({ stackName: name }) },
  ];

  it.each(NAME_PROPS.flatMap(({ prop, build }) => BAD_NAMES.map(({ what, name }) => ({ prop, what, name, build }))))(
    '$prop: rejects $what, naming the prop, the value and the rule',
    ({ prop, name, build }) => {
      expect(() => build(name)).toThrow(new Error(`Invalid ${prop} ${JSON.stringify(name)}: ${NAME_RULE}`));
    },
  );

  it('shows the value as a JSON string, so quotes and control characters are visible', () => {
    expect(() => protonGate({ serviceName: 'a"b\n' })).toThrow(new Error(`Invalid serviceName "a\\"b\\n": ${NAME_RULE}`));
  });

  it('checks serviceName before serviceInstanceName', () => {
    expect(() => protonGate({ serviceName: 'x y', serviceInstanceName: '-z' })).toThrow(new Error(`Invalid serviceName "x y": ${NAME_RULE}`));
  });

  it('checks the names before the common props', () => {
    expect(() => gitGate({ stackName: '', pollInterval: Duration.seconds(1) })).toThrow(new Error(`Invalid stackName "": ${NAME_RULE}`));
    expect(() => protonGate({ serviceInstanceName: '', region: 'Europe' })).toThrow(new Error(`Invalid serviceInstanceName "": ${NAME_RULE}`));
  });
});

/** Cases of the props every gate shares; each is run on both kinds of gate. */
const COMMON_REJECTIONS: { what: string; props: SyncGateOptions; message: string }[] = [
  // requireSuccess: false makes the gate a reader, with which judging the sha means nothing; its waitTimeout bounds
  // only the wait on an unreadable source, and has the same range as a gate's.
  {
    what: 'a waitTimeout on a reader beyond its range',
    props: { requireSuccess: false, waitTimeout: Duration.hours(2) },
    message: 'Invalid waitTimeout 2 hours (7200 s): expected whole seconds from 0 to 3600.',
  },
  {
    what: 'an expectedSha on a reader',
    props: { requireSuccess: false, expectedSha: HEX_40 },
    message: 'expectedSha has no effect when requireSuccess is false (a reader never judges the sha): remove one of them.',
  },
  {
    what: 'an empty expectedSha on a reader, as meaningless there',
    props: { requireSuccess: false, expectedSha: '' },
    message: 'expectedSha has no effect when requireSuccess is false (a reader never judges the sha): remove one of them.',
  },
  // waitTimeout: whole seconds from 0 to 3600 (a Duration cannot be negative).
  {
    what: 'a waitTimeout of 3601 s',
    props: { waitTimeout: Duration.seconds(3601) },
    message: 'Invalid waitTimeout 1 hour 1 second (3601 s): expected whole seconds from 0 to 3600.',
  },
  {
    what: 'a waitTimeout of 2 hours',
    props: { waitTimeout: Duration.hours(2) },
    message: 'Invalid waitTimeout 2 hours (7200 s): expected whole seconds from 0 to 3600.',
  },
  {
    what: 'a waitTimeout of half a second',
    props: { waitTimeout: Duration.millis(500) },
    message: 'Invalid waitTimeout 500 millis (0.5 s): expected whole seconds from 0 to 3600.',
  },
  {
    what: 'a waitTimeout half a second below the hour, whose human form hides the millis',
    props: { waitTimeout: Duration.millis(3_599_500) },
    message: 'Invalid waitTimeout 59 minutes 59 seconds (3599.5 s): expected whole seconds from 0 to 3600.',
  },
  // pollInterval: whole seconds from 5 to 300.
  {
    what: 'a pollInterval of 0 s',
    props: { pollInterval: Duration.seconds(0) },
    message: 'Invalid pollInterval 0 seconds (0 s): expected whole seconds from 5 to 300.',
  },
  {
    what: 'a pollInterval of 4 s',
    props: { pollInterval: Duration.seconds(4) },
    message: 'Invalid pollInterval 4 seconds (4 s): expected whole seconds from 5 to 300.',
  },
  {
    what: 'a pollInterval of 301 s',
    props: { pollInterval: Duration.seconds(301) },
    message: 'Invalid pollInterval 5 minutes 1 second (301 s): expected whole seconds from 5 to 300.',
  },
  {
    what: 'a pollInterval of 5.5 s, within the range but not whole',
    props: { pollInterval: Duration.millis(5500) },
    message: 'Invalid pollInterval 5 seconds 500 millis (5.5 s): expected whole seconds from 5 to 300.',
  },
  {
    what: 'a pollInterval of 4.5 s',
    props: { pollInterval: Duration.millis(4500) },
    message: 'Invalid pollInterval 4 seconds 500 millis (4.5 s): expected whole seconds from 5 to 300.',
  },
  {
    what: 'a bad waitTimeout before a bad pollInterval',
    props: { waitTimeout: Duration.seconds(3601), pollInterval: Duration.seconds(1) },
    message: 'Invalid waitTimeout 1 hour 1 second (3601 s): expected whole seconds from 0 to 3600.',
  },
  // expectedSha: a Git commit sha of 7-64 hex digits; an empty one is an unset pipeline variable.
  ...['', ' ', '   ', '\t', '\n'].map((sha) => ({
    what: `the blank expectedSha ${JSON.stringify(sha)}`,
    props: { expectedSha: sha },
    message:
      `Invalid expectedSha ${JSON.stringify(sha)}: it is empty, as an unset pipeline variable gives. Pass the commit to wait for ` +
      '(a full sha, or an abbreviation of at least 7 hex digits), or leave expectedSha out to accept any desired sha.',
  })),
  ...['a', 'abcdef', 'e'.repeat(65), 'f'.repeat(255), 'main', 'v1.2.3', 'not a sha', 'abcdefg', ' abc1234', 'abc1234 ', '\tabc1234', `${HEX_40}\n`].map((sha) => ({
    what: `the expectedSha ${JSON.stringify(sha).slice(0, 20)}... of ${sha.length} characters`,
    props: { expectedSha: sha },
    message: `Invalid expectedSha ${JSON.stringify(sha)}: expected a Git commit sha of 7-64 hex digits (a full sha, or an abbreviation of at least 7), not a branch or tag name.`,
  })),
  {
    what: 'a bad expectedSha before a bad region',
    props: { expectedSha: ' ', region: 'Europe' },
    message:
      'Invalid expectedSha " ": it is empty, as an unset pipeline variable gives. Pass the commit to wait for ' +
      '(a full sha, or an abbreviation of at least 7 hex digits), or leave expectedSha out to accept any desired sha.',
  },
  // region: ^[a-z]{2,4}(-[a-z]+)+-\d+$ (a prefix of 2 letters, or 4 as aws-eusc's eusc-de-east-1)
  ...['', 'Europe', 'US-EAST-1', 'us-east', 'useast-1', 'u-east-1', 'europe-west-1', 'us-east-1a', 'us-east-', 'us--1', ' us-east-1', 'us-east-1 ', 'us_east_1'].map(
    (region) => ({
      what: `the region ${JSON.stringify(region)}`,
      props: { region },
      message: `Invalid region ${JSON.stringify(region)}: expected an AWS region name such as us-east-1.`,
    }),
  ),
];

describe.each([
  { kind: 'ServiceInstanceSyncGate', build: (props: SyncGateOptions) => protonGate(props) },
  { kind: 'GitSyncGate', build: (props: SyncGateOptions) => gitGate(props) },
])('$kind common props at synth', ({ build }) => {
  it.each(COMMON_REJECTIONS)('rejects $what with the exact message', ({ props, message }) => {
    expect(() => build(props)).toThrow(new Error(message));
  });
});

describe('the template of every accepted value, synthesized once', () => {
  const stack = new Stack(new App(), 'GateProps');
  const serviceParam = new CfnParameter(stack, 'ServiceParam').valueAsString;
  const instanceParam = new CfnParameter(stack, 'InstanceParam').valueAsString;
  const stackParam = new CfnParameter(stack, 'StackParam').valueAsString;
  const shaParam = new CfnParameter(stack, 'ShaParam').valueAsString;
  const regionParam = new CfnParameter(stack, 'RegionParam').valueAsString;

  const protonDefault = protonGate({}, stack, 'ProtonDefault');
  const gitDefault = gitGate({}, stack, 'GitDefault');
  const protonExplicitDefaults = protonGate(
    { requireSuccess: true, waitTimeout: Duration.minutes(10), pollInterval: Duration.seconds(15), recheckOnEveryDeployment: true },
    stack,
    'ProtonExplicitDefaults',
  );
  const reader = gitGate({ requireSuccess: false, recheckOnEveryDeployment: false, pollInterval: Duration.seconds(60), region: 'us-gov-west-1' }, stack, 'Reader');
  const readerWithNonce = protonGate({ requireSuccess: false }, stack, 'ReaderWithNonce');

  /** [waitTimeout s, pollInterval s, ServiceTimeout s]: wait + 5 (a tick) + 180, the wait capped at 3600 - 180 - 5, whatever the poll. */
  const TIMEOUTS: [number, number, string][] = [
    [0, 5, '185'],
    [1, 5, '186'],
    [0, 300, '185'],
    [600, 60, '785'],
    [3414, 15, '3599'],
    [3415, 15, '3600'],
    [3416, 15, '3600'],
    [3600, 15, '3600'],
    [3414, 5, '3599'],
    [3600, 5, '3600'],
    [3414, 300, '3599'],
    [3415, 300, '3600'],
    [3600, 300, '3600'],
  ];
  const timeoutGates = TIMEOUTS.map(([wait, poll], i) =>
    (i % 2 === 0 ? protonGate : gitGate)({ waitTimeout: Duration.seconds(wait), pollInterval: Duration.seconds(poll) }, stack, `Timeout${i}`),
  );

  const GOOD_NAMES = ['a', 'Z', '7', 'a-', 'b_', 'A1_-', 'x'.repeat(100), '0'.repeat(99) + '-'];
  const serviceNameGates = GOOD_NAMES.map((name, i) => protonGate({ serviceName: name }, stack, `ServiceName${i}`));
  const instanceNameGates = GOOD_NAMES.map((name, i) => protonGate({ serviceInstanceName: name }, stack, `InstanceName${i}`));
  const stackNameGates = GOOD_NAMES.map((name, i) => gitGate({ stackName: name }, stack, `StackName${i}`));

  // The construct accepts a Git commit sha of 7-64 hex digits, in either case, and writes it as given; the handler
  // matches it against the desired sha as a prefix.
  const GOOD_SHAS = ['abc1234', 'f'.repeat(8), 'f'.repeat(39), HEX_40, 'a'.repeat(41), 'e'.repeat(63), 'e'.repeat(64), 'ABCDEF1', '0123456789abcdefABCDEF'];
  const shaGates = GOOD_SHAS.map((sha, i) => gitGate({ expectedSha: sha }, stack, `Sha${i}`));

  const GOOD_REGIONS = ['us-east-1', 'eu-west-3', 'ap-southeast-2', 'us-gov-west-1', 'cn-northwest-1', 'us-isob-east-1', 'il-central-1', 'eusc-de-east-1', 'xx-yy-123'];
  const regionGates = GOOD_REGIONS.map((region, i) => protonGate({ region }, stack, `Region${i}`));

  const tokenProton = protonGate({ serviceName: serviceParam, serviceInstanceName: instanceParam, expectedSha: shaParam, region: regionParam }, stack, 'TokenProton');
  const tokenGit = gitGate({ stackName: stackParam, expectedSha: shaParam, region: regionParam }, stack, 'TokenGit');
  // A value that holds a token is left to the handler as a whole, even where its literal part would fail at synth.
  const tokenPadded = protonGate(
    { serviceName: `bad name ${serviceParam}`, expectedSha: ` ${shaParam}`, region: `Region ${regionParam}` },
    stack,
    'TokenPadded',
  );
  const tokenLong = gitGate({ stackName: `${'s'.repeat(101)}${stackParam}`, expectedSha: `${'f'.repeat(255)}${shaParam}` }, stack, 'TokenLong');

  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
  const entryOf = (gate: SyncGateBase) => resources[stack.getLogicalId(gate.resource.node.defaultChild as CfnElement)];
  const propsOf = (gate: SyncGateBase) => entryOf(gate).Properties;
  const serviceTokenOf = (providerId: string) => stack.resolve((stack.node.findChild(providerId) as SyncGateProvider).serviceToken);

  it('writes a ServiceInstanceSyncGate with the defaults: exactly these properties, no Region or ExpectedSha, on the default provider', () => {
    expect(entryOf(protonDefault)).toEqual({
      Type: 'Custom::ProtonServiceInstanceSync',
      Properties: {
        ServiceToken: serviceTokenOf('SyncGateProvider'),
        ServiceTimeout: '785',
        ServiceName: 'api',
        ServiceInstanceName: 'prod',
        RequireSuccess: 'true',
        WaitTimeoutSeconds: '600',
        PollIntervalSeconds: '15',
        DeploymentNonce: expect.stringMatching(UUID_V4),
      },
      UpdateReplacePolicy: 'Delete',
      DeletionPolicy: 'Delete',
    });
    expect(serviceTokenOf('SyncGateProvider')).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^SyncGateProvider.*onEvent/), 'Arn'] });
  });

  it('writes a GitSyncGate with the defaults: the stack name instead of the Proton names, and nothing else of its own', () => {
    expect(entryOf(gitDefault)).toEqual({
      Type: 'Custom::CloudFormationGitSync',
      Properties: {
        ServiceToken: serviceTokenOf('SyncGateProvider'),
        ServiceTimeout: '785',
        StackName: 'network',
        RequireSuccess: 'true',
        WaitTimeoutSeconds: '600',
        PollIntervalSeconds: '15',
        DeploymentNonce: expect.stringMatching(UUID_V4),
      },
      UpdateReplacePolicy: 'Delete',
      DeletionPolicy: 'Delete',
    });
  });

  it('writes the defaults given explicitly exactly as the defaults left out, but for the nonce', () => {
    const { DeploymentNonce: explicitNonce, ...explicit } = propsOf(protonExplicitDefaults);
    const { DeploymentNonce: defaultNonce, ...dflt } = propsOf(protonDefault);
    expect(explicit).toEqual(dflt);
    expect(explicitNonce).toEqual(expect.stringMatching(UUID_V4));
    expect(explicitNonce).not.toEqual(defaultNonce);
  });

  it('writes a reader with requireSuccess "false", the default bound on an unreadable source, and no nonce when re-checking is off', () => {
    expect(propsOf(reader)).toEqual({
      ServiceToken: serviceTokenOf('SyncGateProvider'),
      ServiceTimeout: '785',
      StackName: 'network',
      Region: 'us-gov-west-1',
      RequireSuccess: 'false',
      WaitTimeoutSeconds: '600',
      PollIntervalSeconds: '60',
    });
    expect(propsOf(readerWithNonce)).toEqual(
      expect.objectContaining({ RequireSuccess: 'false', WaitTimeoutSeconds: '600', DeploymentNonce: expect.stringMatching(UUID_V4) }),
    );
  });

  it('gives each gate its own nonce', () => {
    const nonces = Object.values(resources).map((r) => r.Properties?.DeploymentNonce).filter((n) => n !== undefined);
    expect(nonces.length).toBeGreaterThan(50);
    expect(new Set(nonces).size).toBe(nonces.length);
  });

  it.each(TIMEOUTS.map(([wait, poll, timeout], i) => ({ wait, poll, timeout, i })))(
    'bounds a gate waiting $wait s and polling every $poll s with a ServiceTimeout of $timeout s',
    ({ wait, poll, timeout, i }) => {
      expect(propsOf(timeoutGates[i])).toEqual(
        expect.objectContaining({
          ServiceToken: serviceTokenOf('SyncGateProvider'),
          ServiceTimeout: timeout,
          WaitTimeoutSeconds: String(wait),
          PollIntervalSeconds: String(poll),
        }),
      );
    },
  );

  it('accepts names of 1 and 100 characters, and ones ending in - or _, and writes them as given', () => {
    expect(serviceNameGates.map((g) => propsOf(g).ServiceName)).toEqual(GOOD_NAMES);
    expect(instanceNameGates.map((g) => propsOf(g).ServiceInstanceName)).toEqual(GOOD_NAMES);
    expect(stackNameGates.map((g) => propsOf(g).StackName)).toEqual(GOOD_NAMES);
  });

  it('accepts an expectedSha of 7, 8, 39, 40, 41, 63 and 64 hex digits, every hex digit in either case, and writes it as given', () => {
    expect(GOOD_SHAS.map((s) => s.length)).toEqual([7, 8, 39, 40, 41, 63, 64, 7, 22]);
    expect(shaGates.map((g) => propsOf(g).ExpectedSha)).toEqual(GOOD_SHAS);
  });

  it('accepts region names of every partition and writes them as given', () => {
    expect(regionGates.map((g) => propsOf(g).Region)).toEqual(GOOD_REGIONS);
  });

  it('skips the checks for tokens, writing them for the handler to check at deploy time', () => {
    expect(propsOf(tokenProton)).toEqual(
      expect.objectContaining({ ServiceName: { Ref: 'ServiceParam' }, ServiceInstanceName: { Ref: 'InstanceParam' }, ExpectedSha: { Ref: 'ShaParam' }, Region: { Ref: 'RegionParam' } }),
    );
    expect(propsOf(tokenGit)).toEqual(expect.objectContaining({ StackName: { Ref: 'StackParam' }, ExpectedSha: { Ref: 'ShaParam' }, Region: { Ref: 'RegionParam' } }));
  });

  it('skips the checks for any value holding a token, even one whose literal part is bad or long', () => {
    expect(propsOf(tokenPadded)).toEqual(
      expect.objectContaining({
        ServiceName: { 'Fn::Join': ['', ['bad name ', { Ref: 'ServiceParam' }]] },
        ExpectedSha: { 'Fn::Join': ['', [' ', { Ref: 'ShaParam' }]] },
        Region: { 'Fn::Join': ['', ['Region ', { Ref: 'RegionParam' }]] },
      }),
    );
    expect(propsOf(tokenLong)).toEqual(
      expect.objectContaining({
        StackName: { 'Fn::Join': ['', ['s'.repeat(101), { Ref: 'StackParam' }]] },
        ExpectedSha: { 'Fn::Join': ['', ['f'.repeat(255), { Ref: 'ShaParam' }]] },
      }),
    );
  });

  it('hands every gate the log group of the stack\'s one provider, whatever its poll interval', () => {
    expect(gitDefault.logGroup).toBe(protonDefault.logGroup);
    expect(reader.logGroup).toBe(timeoutGates[3].logGroup);
    expect(reader.logGroup).toBe(protonDefault.logGroup);
  });

  it('makes the custom resource the default child of both gates, whose construct ids differ by source', () => {
    expect(protonDefault.node.defaultChild).toBe(protonDefault.resource);
    expect(gitDefault.node.defaultChild).toBe(gitDefault.resource);
    expect(protonDefault.resource.node.id).toBe('Resource');
    expect(gitDefault.resource.node.id).toBe('GitSync');
  });

  const ATTRIBUTES: [string, string, (g: SyncGateBase) => string][] = [
    ['sha', 'Sha', (g) => g.sha],
    ['status', 'Status', (g) => g.status],
    ['inSync', 'InSync', (g) => g.inSync],
    ['branch', 'Branch', (g) => g.branch],
    ['directory', 'Directory', (g) => g.directory],
    ['repositoryName', 'RepositoryName', (g) => g.repositoryName],
    ['repositoryProvider', 'RepositoryProvider', (g) => g.repositoryProvider],
    ['latestSyncSha', 'LatestSyncSha', (g) => g.latestSyncSha],
    ['latestSyncStartedAt', 'LatestSyncStartedAt', (g) => g.latestSyncStartedAt],
    ['latestSuccessfulSyncSha', 'LatestSuccessfulSyncSha', (g) => g.latestSuccessfulSyncSha],
    ['latestSuccessfulSyncStartedAt', 'LatestSuccessfulSyncStartedAt', (g) => g.latestSuccessfulSyncStartedAt],
    ['latestSyncEvent', 'LatestSyncEvent', (g) => g.latestSyncEvent],
    ['syncAccount', 'SyncAccount', (g) => g.syncAccount],
    ['syncRegion', 'SyncRegion', (g) => g.syncRegion],
  ];

  it.each(ATTRIBUTES)('reads the %s attribute of either gate as Fn::GetAtt of %s', (_getter, attribute, read) => {
    for (const gate of [protonDefault, gitDefault]) {
      const value = read(gate);
      expect(Token.isUnresolved(value)).toBe(true);
      expect(stack.resolve(value)).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(gate.resource.node.defaultChild as CfnElement), attribute] });
    }
  });
});
