/**
 * The dependency graph of a CloudFormation template, as CloudFormation derives it: a resource depends on the
 * resources named in its DependsOn, and on those its properties reference through Ref, Fn::GetAtt and Fn::Sub
 * (`${Id}` or `${Id.Attribute}`). Pseudo parameters (`AWS::...`) and template parameters are not resources.
 *
 * Source: the DependsOn attribute page of the CloudFormation User Guide (a resource is created after the resources
 * it depends on, explicitly or through Ref / Fn::GetAtt, and deleted before them).
 */
import type { Template } from './synth';

/** The logical ids that `logicalId` depends on (only resources of the template). */
export function dependenciesOf(template: Template, logicalId: string): Set<string> {
  const resource = template.Resources[logicalId];
  const found = new Set<string>();
  const dependsOn = resource.DependsOn === undefined ? [] : Array.isArray(resource.DependsOn) ? resource.DependsOn : [resource.DependsOn];
  for (const id of dependsOn) found.add(id);
  collectReferences(resource.Properties, found);
  for (const id of found) if (!(id in template.Resources)) found.delete(id);
  found.delete(logicalId);
  return found;
}

function collectReferences(value: unknown, found: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectReferences(v, found);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, arg] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'Ref' && typeof arg === 'string') found.add(arg);
    else if (key === 'Fn::GetAtt') found.add(Array.isArray(arg) ? String(arg[0]) : String(arg).split('.')[0]);
    else if (key === 'Fn::Sub') {
      const text = typeof arg === 'string' ? arg : Array.isArray(arg) ? String(arg[0]) : '';
      for (const m of text.matchAll(/\$\{([^}!][^}]*)\}/g)) found.add(m[1].split('.')[0]);
      if (Array.isArray(arg)) collectReferences(arg[1], found);
    } else collectReferences(arg, found);
  }
}

/**
 * The template's logical ids in an order where every resource comes after the resources it depends on (ties in
 * template order). Throws on a circular dependency, as CloudFormation rejects such a template.
 */
export function dependencyOrder(template: Template): string[] {
  const ids = Object.keys(template.Resources);
  const deps = new Map(ids.map((id) => [id, dependenciesOf(template, id)]));
  const order: string[] = [];
  const done = new Set<string>();
  while (order.length < ids.length) {
    const ready = ids.filter((id) => !done.has(id) && [...deps.get(id)!].every((d) => done.has(d)));
    if (ready.length === 0) {
      throw new Error(`Circular dependency between resources: [${ids.filter((id) => !done.has(id)).join(', ')}]`);
    }
    for (const id of ready) {
      order.push(id);
      done.add(id);
    }
  }
  return order;
}
