/** `from:`/`to:` of a map-form assertion: the endpoint string, or `{namespace, pod}`. */
import type { ValuePath } from './locate-node.js';
import { parseEndpoint, type EndpointRole, type ParsedEndpoint } from './parse-endpoint.js';
import { namespaceNameProblem } from './names.js';
import { atOffset, atValue, type ResolveContext } from './resolve-context.js';
import { isPlainMap, resolveSelector } from './resolve-selector.js';
import { isEmptySelector } from '../policy/index.js';
import type { NamespaceSpec, PodSpec } from './types.js';

export function resolveEndpoint(
  value: unknown,
  path: ValuePath,
  role: EndpointRole,
  context: ResolveContext,
): ParsedEndpoint | undefined {
  if (context.isFlagged(path)) return undefined;
  if (typeof value === 'string') {
    const result = parseEndpoint(value, role);
    if (result.ok) return result.value;
    for (const p of result.problems) context.report(p.code, p.message, atOffset(path, p.offset));
    return undefined;
  }
  if (!isPlainMap(value)) return undefined;
  const namespace = resolveNamespace(value['namespace'], [...path, 'namespace'], context);
  const pods: PodSpec | undefined = Object.hasOwn(value, 'pod')
    ? podsOf(resolveSelector(value['pod'], [...path, 'pod'], context))
    : { kind: 'all' };
  if (namespace === undefined || pods === undefined) return undefined;
  return { endpoint: { kind: 'pods', namespace, pods } };
}

function resolveNamespace(
  value: unknown,
  path: ValuePath,
  context: ResolveContext,
): NamespaceSpec | undefined {
  if (context.isFlagged(path)) return undefined;
  if (typeof value === 'string') {
    if (value === '*') return { kind: 'all' };
    const problem = namespaceNameProblem(value);
    if (problem === undefined) return { kind: 'name', name: value };
    context.report('BAD_VALUE', problem, atValue(path));
    return undefined;
  }
  const selector = resolveSelector(value, path, context);
  if (selector === undefined) return undefined;
  return isEmptySelector(selector) ? { kind: 'all' } : { kind: 'selector', selector };
}

function podsOf(selector: ReturnType<typeof resolveSelector>): PodSpec | undefined {
  if (selector === undefined) return undefined;
  return isEmptySelector(selector) ? { kind: 'all' } : { kind: 'selector', selector };
}
