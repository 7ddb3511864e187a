/**
 * Handler events built from the synthesized templates: what CloudFormation (and, for ours, the Provider framework
 * after onEvent) would send. The gate's own modules say what its physical id and start marker look like, so an
 * event here cannot drift from what the handler produces.
 */
import { GATE_STARTED_AT } from '../lambda/handler/gate';
import { gitSyncSource } from '../lambda/sources/git-sync';
import { protonSource } from '../lambda/sources/proton';
import { GIT_SYNC_RESOURCE_TYPE, Prop, PROTON_RESOURCE_TYPE } from '../lib/contract';
import { asCloudFormationSends } from '../offline/intrinsics';
import { BENCH_REGION } from './runner';
import { Template } from './template-stats';
import { BENCH_STACK, Variant } from './variants';

const FAKE_ACCOUNT = '123456789012';
const FAKE_STACK_ID = `arn:aws:cloudformation:${BENCH_REGION}:${FAKE_ACCOUNT}:stack/${BENCH_STACK}/00000000-0000-4000-8000-000000000000`;
/** `.invalid` never resolves; AwsCustomResource's response PUT is captured before it leaves the process anyway. */
const FAKE_RESPONSE_URL = 'https://cloudformation-custom-resource-response.invalid/bench';
/** aws-cdk-lib's resource type for AwsCustomResource. */
const AWSCR_RESOURCE_TYPE = 'Custom::AWS';

export type Event = Record<string, unknown> & { ResourceProperties: Record<string, unknown> };

function firstGate(template: Template, type: string): { id: string; props: Record<string, unknown> } {
  const entry = Object.entries(template.Resources ?? {}).find(([, r]) => r.Type === type);
  if (!entry) throw new Error(`no ${type} in the template`);
  return { id: entry[0], props: (entry[1].Properties ?? {}) as Record<string, unknown> };
}

function createEvent(template: Template, type: string, requestId: string): Event {
  const { id, props } = firstGate(template, type);
  const serviceToken = `arn:aws:lambda:${BENCH_REGION}:${FAKE_ACCOUNT}:function:bench-provider`;
  return {
    RequestType: 'Create',
    ServiceToken: serviceToken,
    ResponseURL: FAKE_RESPONSE_URL,
    StackId: FAKE_STACK_ID,
    RequestId: requestId,
    LogicalResourceId: id,
    ResourceType: type,
    ResourceProperties: asCloudFormationSends({ ...props, ServiceToken: serviceToken }) as Record<string, unknown>,
  };
}

/** Our isComplete event: the Create event as the Provider framework passes it on after onEvent named the resource. */
function oursIsCompleteEvent(template: Template, now: number): Event {
  const e = createEvent(template, PROTON_RESOURCE_TYPE, 'bench-ours');
  const props = e.ResourceProperties;
  return {
    ...e,
    PhysicalResourceId: protonSource.physicalResourceId({
      source: 'proton',
      serviceName: String(props[Prop.ServiceName]),
      serviceInstanceName: String(props[Prop.ServiceInstanceName]),
      region: BENCH_REGION,
    }),
    [GATE_STARTED_AT]: now,
  };
}

/** The event each variant's handler answers in the cold-start and warm measurements. */
export function handlerEvents(templates: Record<Variant, Template>, now: number): Record<Variant, Event> {
  return { ours: oursIsCompleteEvent(templates.ours, now), awscr: createEvent(templates.awscr, AWSCR_RESOURCE_TYPE, 'bench-awscr') };
}

/**
 * The GitSyncGate's isComplete event, from a template that has one (the example app with a Git-synced stack,
 * bench/sync-sources.ts): what the cold start of a Git sync gate answers.
 */
export function gitSyncIsCompleteEvent(template: Template, now: number): Event {
  const e = createEvent(template, GIT_SYNC_RESOURCE_TYPE, 'bench-ours-git-sync');
  const stackName = String(e.ResourceProperties[Prop.StackName]);
  return {
    ...e,
    PhysicalResourceId: gitSyncSource.physicalResourceId({ source: 'git-sync', stackName, region: BENCH_REGION }),
    [GATE_STARTED_AT]: now,
  };
}
