/**
 * Warm decisions and in-sync call counts: both handlers loaded once into this process, against the same fake
 * Proton, interleaved; and the Proton calls of one Create deployment of an instance already in sync.
 */
import { GATE_STARTED_AT } from '../lambda/handler/gate';
import { Event } from './events';
import { HANDLER_FILES } from './handler-assets';
import { ProtonEndpoint } from './proton-endpoint';
import { log, protonEnv } from './runner';
import { Variant, VARIANTS } from './variants';

export interface WarmResult {
  readonly ms: Record<Variant, number[]>;
  readonly callsPerDecision: Record<Variant, number>;
}

type OursModule = {
  onEvent: (e: unknown) => Promise<{ PhysicalResourceId: string; [GATE_STARTED_AT]?: number }>;
  isComplete: (e: unknown) => Promise<{ IsComplete: boolean; Data?: Record<string, string> }>;
};
type AwscrModule = { handler: (e: unknown, ctx: { logStreamName: string }) => Promise<void> };

export interface Handlers {
  /** One decision; returns the outcome (SUCCESS when the gate passes or the custom resource answers SUCCESS). */
  decide(variant: Variant): Promise<string>;
  readonly ours: OursModule;
  /** Puts back what loading them replaced (https.request, console.log). */
  restore(): void;
}

/** Loads both handlers into this process with the fake's endpoint, capturing AwsCustomResource's response PUT. */
export function loadHandlers(events: Record<Variant, Event>, endpoint: string): Handlers {
  Object.assign(process.env, protonEnv(endpoint));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ours = require(HANDLER_FILES.ours) as OursModule;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const awscr = require(HANDLER_FILES.awscr) as AwscrModule;
  let lastResponse = '';
  // The module object itself (an ES namespace import would be a read-only copy): the handler calls require('https').request.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const https = require('https') as { request: unknown };
  const realRequest = https.request;
  const fakeRequest = (_o: unknown, cb: (res: { statusCode: number }) => void): unknown => ({
    on() {},
    write(chunk: string) {
      lastResponse += chunk;
    },
    end() {
      setImmediate(() => cb({ statusCode: 200 }));
    },
  });
  https.request = fakeRequest;
  const realLog = console.log;
  // Both handlers log to stdout (CloudWatch in Lambda); keep the benchmark's output readable.
  console.log = () => undefined;
  return {
    ours,
    async decide(variant) {
      if (variant === 'ours') {
        // The first tick of a gate that starts now (an older start, on a loaded machine, is a tick that does not read).
        const r = await ours.isComplete({ ...structuredClone(events.ours), [GATE_STARTED_AT]: Date.now() });
        return r.IsComplete ? 'SUCCESS' : 'WAIT';
      }
      lastResponse = '';
      await awscr.handler(structuredClone(events.awscr), { logStreamName: 'bench' });
      return (JSON.parse(lastResponse) as { Status: string }).Status;
    },
    restore() {
      https.request = realRequest;
      console.log = realLog;
    },
  };
}

/** Decisions discarded before measuring, so both handlers' code paths are compiled and their clients warm. */
const WARM_UP = 20;

export async function warmDecisions(h: Handlers, proton: ProtonEndpoint, decisions: number): Promise<WarmResult> {
  for (let i = 0; i < WARM_UP; i++) for (const v of VARIANTS) await h.decide(v);
  const ms: Record<Variant, number[]> = { ours: [], awscr: [] };
  const calls: Record<Variant, number> = { ours: 0, awscr: 0 };
  for (let i = 0; i < decisions; i++) {
    const order: Variant[] = i % 2 === 0 ? ['ours', 'awscr'] : ['awscr', 'ours'];
    for (const v of order) {
      const before = proton.totalCalls();
      const start = performance.now();
      const outcome = await h.decide(v);
      ms[v].push(performance.now() - start);
      calls[v] += proton.totalCalls() - before;
      if (outcome !== 'SUCCESS') throw new Error(`${v} decision ${i}: expected SUCCESS, got ${outcome}`);
    }
  }
  log(`warm decisions: ${decisions} each`);
  return { ms, callsPerDecision: { ours: calls.ours / decisions, awscr: calls.awscr / decisions } };
}

/** A bound on isComplete polls, so a gate that never completes fails the count instead of hanging the benchmark. */
const MAX_POLLS = 10;

/**
 * Proton calls of one Create deployment when the instance is already in sync, through the handlers as the
 * frameworks drive them: ours = onEvent, then isComplete until it completes (the Provider's waiter); theirs = one
 * handler invocation.
 */
export async function inSyncDeploymentCalls(h: Handlers, events: Record<Variant, Event>, proton: ProtonEndpoint): Promise<Record<Variant, number>> {
  const before = proton.totalCalls();
  const { PhysicalResourceId, [GATE_STARTED_AT]: startedAt } = await h.ours.onEvent(structuredClone(events.ours));
  const afterOnEvent = proton.totalCalls();
  let polls = 0;
  for (;;) {
    polls++;
    const r = await h.ours.isComplete({ ...structuredClone(events.ours), PhysicalResourceId, [GATE_STARTED_AT]: startedAt });
    if (r.IsComplete || polls >= MAX_POLLS) break;
  }
  const ours = proton.totalCalls() - before;
  if (afterOnEvent !== before) throw new Error('onEvent called Proton');
  const b2 = proton.totalCalls();
  await h.decide('awscr');
  return { ours, awscr: proton.totalCalls() - b2 };
}
