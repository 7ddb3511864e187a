/**
 * What a synthesized template costs against the limits that decide whether it deploys: CloudFormation's resource,
 * parameter, output and template-body limits, and IAM's limit on the inline policies of one role.
 */

/** CloudFormation and IAM quotas the benchmark checks (documented, not adjustable). */
export const LIMITS = {
  /** Resources per stack. */
  resources: 500,
  parameters: 200,
  outputs: 200,
  /** Template body uploaded to S3 (cdk deploy uploads every template larger than 50 KiB to the bootstrap bucket). */
  templateBodyS3Bytes: 1_000_000,
  /** Template body passed inline in the API call; shown for information, not a deployability criterion with cdk deploy. */
  templateBodyInlineBytes: 51_200,
  /** Aggregate size of all inline policies of one IAM role, whitespace excluded. */
  roleInlinePolicyChars: 10_240,
} as const;

/**
 * Characters counted for one intrinsic function (Ref, Fn::GetAtt, Fn::Sub, ...) inside a policy document. It stands
 * for the ARN or name CloudFormation substitutes, which the template cannot tell: 256 is an upper bound for the ARNs
 * that appear in these policies (Lambda function, log group and state machine ARNs with CloudFormation-generated
 * names are about 100-150 characters).
 */
export const INTRINSIC_CHARS = 256;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, Json>;
}

export interface Template {
  readonly Resources?: Record<string, CfnResource>;
  readonly Parameters?: Record<string, unknown>;
  readonly Outputs?: Record<string, unknown>;
}

export interface RolePolicySize {
  readonly role: string;
  readonly policies: number;
  /** Sum of the minified inline policy documents, intrinsics counted as INTRINSIC_CHARS. */
  readonly chars: number;
}

export interface TemplateStats {
  readonly resources: number;
  readonly resourcesByType: Record<string, number>;
  readonly parameters: number;
  readonly outputs: number;
  /** Size of the template file as synthesized (what cdk deploy uploads). */
  readonly bytes: number;
  /** The role with the largest inline policies. */
  readonly largestRole: RolePolicySize;
  readonly roles: readonly RolePolicySize[];
  /** Each limit the template breaks, as a sentence; empty when deployable. */
  readonly violations: readonly string[];
}

function isIntrinsic(v: Json): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

/** Replaces every intrinsic with a placeholder string of INTRINSIC_CHARS characters. */
function resolvePessimistically(v: Json): Json {
  if (isIntrinsic(v)) return 'x'.repeat(INTRINSIC_CHARS);
  if (Array.isArray(v)) return v.map(resolvePessimistically);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolvePessimistically(x)]));
  }
  return v;
}

/** IAM counts policy size without whitespace: the minified JSON. */
export function policyChars(document: Json): number {
  return JSON.stringify(resolvePessimistically(document)).length;
}

function roleRef(v: Json): string | undefined {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.Ref === 'string') return v.Ref;
  return undefined;
}

export function roleInlinePolicySizes(template: Template): RolePolicySize[] {
  const resources = template.Resources ?? {};
  const sizes = new Map<string, { policies: number; chars: number }>();
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::IAM::Role') continue;
    const inline = (r.Properties?.Policies as Json[] | undefined) ?? [];
    let chars = 0;
    for (const p of inline) {
      if (p !== null && typeof p === 'object' && !Array.isArray(p)) chars += policyChars(p.PolicyDocument);
    }
    sizes.set(id, { policies: inline.length, chars });
  }
  for (const r of Object.values(resources)) {
    if (r.Type !== 'AWS::IAM::Policy') continue;
    const roles = (r.Properties?.Roles as Json[] | undefined) ?? [];
    const chars = policyChars(r.Properties?.PolicyDocument ?? null);
    for (const ref of roles) {
      const id = roleRef(ref);
      const entry = id !== undefined ? sizes.get(id) : undefined;
      if (entry) {
        entry.policies += 1;
        entry.chars += chars;
      }
    }
  }
  return [...sizes.entries()].map(([role, s]) => ({ role, ...s })).sort((a, b) => b.chars - a.chars);
}

export function templateStats(body: string): TemplateStats {
  const template = JSON.parse(body) as Template;
  const resources = template.Resources ?? {};
  const resourcesByType: Record<string, number> = {};
  for (const r of Object.values(resources)) resourcesByType[r.Type] = (resourcesByType[r.Type] ?? 0) + 1;
  const roles = roleInlinePolicySizes(template);
  const largestRole = roles[0] ?? { role: '(none)', policies: 0, chars: 0 };
  const stats = {
    resources: Object.keys(resources).length,
    resourcesByType,
    parameters: Object.keys(template.Parameters ?? {}).length,
    outputs: Object.keys(template.Outputs ?? {}).length,
    bytes: Buffer.byteLength(body, 'utf8'),
    largestRole,
    roles,
  };
  const violations: string[] = [];
  if (stats.resources > LIMITS.resources) violations.push(`${stats.resources} resources > ${LIMITS.resources}`);
  if (stats.parameters > LIMITS.parameters) violations.push(`${stats.parameters} parameters > ${LIMITS.parameters}`);
  if (stats.outputs > LIMITS.outputs) violations.push(`${stats.outputs} outputs > ${LIMITS.outputs}`);
  if (stats.bytes > LIMITS.templateBodyS3Bytes) violations.push(`template ${stats.bytes} B > ${LIMITS.templateBodyS3Bytes} B`);
  for (const role of roles) {
    if (role.chars > LIMITS.roleInlinePolicyChars) {
      violations.push(`role ${role.role}: ${role.policies} inline policies, ${role.chars} chars > ${LIMITS.roleInlinePolicyChars}`);
    }
  }
  return { ...stats, violations };
}
