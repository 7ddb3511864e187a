/**
 * The CloudFormation side of reading a synthesized template in the offline world: resolving intrinsics to the
 * names the world gave resources, and turning properties into what a custom resource receives.
 */

/**
 * Logical id -> the physical name (what Ref gives), where the type has one the ARN (Fn::GetAtt Arn), and other
 * attributes Fn::GetAtt reads (a custom resource's Data, a nested stack's `Outputs.<name>`).
 */
export type PhysicalNames = ReadonlyMap<string, { readonly ref: string; readonly arn?: string; readonly attributes?: Readonly<Record<string, unknown>> }>;

/**
 * Resolves the intrinsics a synthesized template uses (Ref, Fn::GetAtt of Arn, Fn::Join, Fn::Sub) against the
 * physical names the world gave each logical id and the pseudo parameters; any other Fn:: throws, so a template
 * that needs more is noticed rather than half-resolved.
 */
export function resolveIntrinsics(value: unknown, names: PhysicalNames, pseudo: Readonly<Record<string, string>>): unknown {
  const r = (v: unknown): unknown => resolveIntrinsics(v, names, pseudo);
  if (Array.isArray(value)) return value.map(r);
  if (typeof value !== 'object' || value === null) return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [fn] = keys;
    const arg = obj[fn];
    switch (fn) {
      case 'Ref': {
        const name = String(arg);
        if (name in pseudo) return pseudo[name];
        const target = names.get(name);
        if (!target) throw new Error(`Ref to unknown ${name}`);
        return target.ref;
      }
      case 'Fn::GetAtt': {
        const [id, attr] = arg as [string, string];
        const target = names.get(id);
        if (!target) throw new Error(`Fn::GetAtt of unknown ${id}`);
        if (attr === 'Arn' && target.arn) return target.arn;
        if (target.attributes && attr in target.attributes) return target.attributes[attr];
        if (target.attributes) throw new Error(`Fn::GetAtt ${id}.${attr}: the resource has no attribute ${attr} (it has ${Object.keys(target.attributes).join(', ') || 'none'})`);
        throw new Error(`Fn::GetAtt ${id}.${attr} is not emulated`);
      }
      case 'Fn::Join': {
        const [sep, parts] = arg as [string, unknown[]];
        return (r(parts) as unknown[]).map(String).join(sep);
      }
      case 'Fn::Sub': {
        const [text, vars] = typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, unknown>]);
        const resolvedVars = r(vars) as Record<string, unknown>;
        return text.replace(/\$\{([^}]+)\}/g, (_, ref: string) => {
          if (ref in resolvedVars) return String(resolvedVars[ref]);
          if (ref in pseudo) return pseudo[ref];
          const [id, attr] = ref.split('.');
          return String(r(attr ? { 'Fn::GetAtt': [id, attr] } : { Ref: id }));
        });
      }
      default:
        if (fn.startsWith('Fn::')) throw new Error(`${fn} is not emulated`);
    }
  }
  return Object.fromEntries(keys.map((k) => [k, r(obj[k])]));
}

/** A resource's properties as CloudFormation hands them to a custom resource: every scalar a string. */
export function asCloudFormationSends(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asCloudFormationSends);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asCloudFormationSends(v)]));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value;
}
