/**
 * Through the handler, the real mappings and the mocked SDK: a sync status whose shas are missing on the wire
 * never lets a gate pass, so no resource is handed Sha '' (which an ssm.StringParameter rejects).
 */
import { GetResourceSyncStatusCommand, GetResourceSyncStatusOutput } from '@aws-sdk/client-codestar-connections';
import { GetServiceInstanceSyncStatusCommand, GetServiceInstanceSyncStatusOutput } from '@aws-sdk/client-proton';
import { SyncGateError } from '../../../lambda/core/errors';
import * as gate from '../../../lambda/handler/gate';
import { Prop } from '../../../lib/contract';
import { createEvent, DESIRED, GATE_PROPS, GIT_SYNC_PROPS, gitSyncOutput, protonOutput } from '../../fixtures';
import { GateWorld } from './gate-world';

const world = new GateWorld();
beforeEach(() => world.reset());

type Missing = 'desired' | 'latest' | 'both' | 'none';
const drops = (missing: Missing) => ({ desired: missing === 'desired' || missing === 'both', latest: missing === 'latest' || missing === 'both' });

/** A SUCCEEDED sync at the desired sha, with the sha left out of the desired state and/or the latest sync's target. */
function proton(missing: Missing): GetServiceInstanceSyncStatusOutput {
  const out = protonOutput('SUCCEEDED');
  const drop = drops(missing);
  return {
    ...out,
    desiredState: { ...out.desiredState!, sha: drop.desired ? undefined : DESIRED },
    latestSync: { ...out.latestSync!, targetRevision: { ...out.latestSync!.targetRevision!, sha: drop.latest ? undefined : DESIRED } },
  } as GetServiceInstanceSyncStatusOutput;
}

function gitSync(missing: Missing): GetResourceSyncStatusOutput {
  const out = gitSyncOutput('SUCCEEDED');
  const drop = drops(missing);
  return {
    ...out,
    DesiredState: { ...out.DesiredState!, Sha: drop.desired ? undefined : DESIRED },
    LatestSync: { ...out.LatestSync!, TargetRevision: { ...out.LatestSync!.TargetRevision!, Sha: drop.latest ? undefined : DESIRED } },
  } as GetResourceSyncStatusOutput;
}

const SOURCES = [
  { source: 'Proton', props: GATE_PROPS, answer: (missing: Missing) => world.protonMock.on(GetServiceInstanceSyncStatusCommand).resolves(proton(missing)) },
  { source: 'Git sync', props: GIT_SYNC_PROPS, answer: (missing: Missing) => world.gitSyncMock.on(GetResourceSyncStatusCommand).resolves(gitSync(missing)) },
];

describe.each(SOURCES)('a $source gate', ({ props, answer }) => {
  it('passes with Sha set when no sha is missing (the fixture the rows below break)', async () => {
    answer('none');
    const result = await gate.isComplete(await world.started(createEvent(props)), world.deps);
    expect(result).toMatchObject({ IsComplete: true, Data: { Sha: DESIRED, InSync: 'true' } });
  });

  it.each<[string, Missing]>([
    ['the desired sha', 'desired'],
    ['the latest sync\'s sha', 'latest'],
    ['both shas', 'both'],
  ])('keeps waiting, then fails at its deadline, never passing, when %s is missing', async (_name, missing) => {
    answer(missing);
    const event = await world.started(createEvent({ ...props, [Prop.WaitTimeoutSeconds]: '60' }));
    expect(await gate.isComplete(event, world.deps)).toEqual({ IsComplete: false });
    world.clock += 60_000;
    await expect(gate.isComplete(event, world.deps)).rejects.toBeInstanceOf(SyncGateError);
  });
});
