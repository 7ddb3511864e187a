/**
 * The action's outputs, which later steps and jobs read (`steps.<id>.outputs.verdict`): the check's result as the
 * command's --json gives it (cli/output.ts jsonResult), flattened into the values a workflow branches on. Every
 * output is written on every run, empty when it has no value, so that a later step never reads a stale one.
 */
import { JsonResult, jsonUsageError } from '../cli/output';
import { Attr } from '../lib/contract';

/** Every output, in the order action.yml lists them. */
export const OUTPUTS = ['verdict', 'exit-code', 'situation', 'why', 'reason', 'sha', 'status', 'in-sync', 'latest-sync-sha', 'result'] as const;
export type OutputName = (typeof OUTPUTS)[number];
export type ActionOutputs = { readonly [N in OutputName]: string };

/** The outputs of a check that ran (it passed, failed, or could not read the status). */
export function checkOutputs(result: JsonResult): ActionOutputs {
  return {
    verdict: result.verdict,
    'exit-code': String(result.exitCode),
    situation: result.situation,
    why: result.why,
    reason: result.reason ?? '',
    sha: result.attributes[Attr.Sha],
    status: result.attributes[Attr.Status],
    'in-sync': result.attributes[Attr.InSync],
    'latest-sync-sha': result.attributes[Attr.LatestSyncSha],
    result: JSON.stringify(result),
  };
}

/** The outputs when the inputs were wrong and nothing was read: no decision, exit code 2, the message as reason. */
export function badInputOutputs(message: string): ActionOutputs {
  const result = jsonUsageError(message);
  return {
    verdict: result.verdict,
    'exit-code': String(result.exitCode),
    situation: '',
    why: '',
    reason: message,
    sha: '',
    status: '',
    'in-sync': '',
    'latest-sync-sha': '',
    result: JSON.stringify(result),
  };
}
