/**
 * The check's own words for the gate's. Reasons and errors are written once, for the gate that CloudFormation
 * runs ("deploy again", "raise the gate's waitTimeout", "as counted by the handler"); someone running the check
 * reads them with the check's options and actions instead. The gate's text stays available word for word (--json
 * `gateReason`), so a pipeline can compare it with what CloudFormation showed.
 */

/** Each gate phrase and what the check says instead, applied in order. */
const GATE_TO_CHECK: readonly (readonly [RegExp, string])[] = [
  [/the gate checks once without waiting \(waitTimeout is 0\)/g, 'the check reads once without waiting (no --wait)'],
  [/the gate waited (.+?) of its (.+?) timeout/g, 'the check waited $1 of its $2 --wait'],
  [/raise the gate's waitTimeout/g, 'give the check a longer --wait'],
  [/\(or deploy again with that commit as expectedSha\)/g, '(or check again with that commit as --expected-sha)'],
  [/the deployment for the newer commit gates on it/g, 'the pipeline run for the newer commit checks it'],
  [/\(as counted by the handler\)/g, '(of this check)'],
  [/remove this gate \(or move the sync to CloudFormation Git sync\) and deploy again/g, 'move the sync to CloudFormation Git sync (`check git-sync`)'],
  [/Check the handler's credentials and region, then deploy again; the poll log has the details\./g, 'Check the credentials and the region this check runs with, then run it again.'],
  // A reader role (--role-arn) that could not be assumed.
  [/the handler role \(the gate's isComplete function's role\)/g, 'the identity this check runs as'],
  [/with trustedAccount the gate's account/g, 'with trustedAccount your account'],
  [/with the external id the gate sends/g, 'with the external id --external-id gives'],
  [/set the gate's externalId to it/g, 'pass it with --external-id'],
  [/Check that the gate's externalId is the one/g, 'Check that --external-id is the one'],
  [/the credentials the handler signed with have expired\. Lambda gives every invocation fresh ones of the execution role: deploy again\./g, 'the credentials this check runs with have expired: refresh them, then run the check again.'],
  [/Check the handler's credentials and the role's ARN, then deploy again\./g, 'Check the credentials this check runs with and --role-arn, then run it again.'],
  [/\bthe handler role\b/g, 'the identity this check runs as'],
  [/Fix the gate's props and deploy again\./g, 'Fix the option and run the check again.'],
  [/Deploy again later/g, 'Run the check again later'],
  [/\bdeploy again\b/g, 'run the check again'],
];

/** `text` (a reason or an error the gate would give) in the check's words. */
export function inCheckWords(text: string): string {
  return GATE_TO_CHECK.reduce((t, [gate, check]) => t.replace(gate, check), text);
}

/** Words that belong to the gate and the deployment, which no text the check prints should contain. */
export const GATE_ONLY_WORDS = /\bdeploy again\b|Deploy again|waitTimeout|expectedSha\b|the handler\b|poll log|the gate checks once|the gate waited|the gate's externalId|the gate sends/;
