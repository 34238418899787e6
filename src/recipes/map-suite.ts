/**
 * A pack's suite in its run-scoped namespaces. Every endpoint must name a namespace of
 * the pack (no `*`, no `{selector}`, no nodes), so a pack's probes start and end in what
 * the pack made, never in the user's pods.
 */
import { assertNever } from '../shared/index.js';
import { problemAt } from '../shared/index.js';
import type { Problem } from '../shared/index.js';
import { formatEndpoint } from '../suite/index.js';
import type { Assertion, EndpointSpec, Suite } from '../suite/index.js';
import type { PackNaming } from './pack-naming.js';
import type { RecipeProblemCode } from './recipe-pack.js';

export interface MappedSuite {
  readonly suite: Suite;
  /** One per endpoint a pack may not have, at its assertion. */
  readonly problems: readonly Problem<RecipeProblemCode>[];
}

/** `source` is the suite file's text, for the line under a problem. */
export function mapSuite(
  suite: Suite,
  id: string,
  naming: PackNaming,
  packNamespaces: ReadonlySet<string>,
  source?: string,
): MappedSuite {
  const problems: Problem<RecipeProblemCode>[] = [];
  const assertions = suite.assertions.map((assertion): Assertion => {
    const map = (endpoint: EndpointSpec): EndpointSpec => {
      const mapped = mapEndpoint(endpoint, naming, packNamespaces);
      if (typeof mapped === 'string') {
        const message = `${formatEndpoint(endpoint)}: ${mapped}`;
        problems.push(problemAt('OUTSIDE_PACK', message, assertion.location, source));
        return endpoint;
      }
      return mapped;
    };
    return {
      ...assertion,
      from: map(assertion.from),
      to: map(assertion.to),
      origin: { kind: 'recipe', recipe: id },
    };
  });
  return { suite: { ...suite, assertions }, problems };
}

/** The endpoint in mapped namespaces, or why a pack may not have it. */
function mapEndpoint(
  endpoint: EndpointSpec,
  naming: PackNaming,
  packNamespaces: ReadonlySet<string>,
): EndpointSpec | string {
  const inPack = (namespace: string): string | undefined =>
    packNamespaces.has(namespace)
      ? undefined
      : `namespace ${namespace} is not one the pack's setup.yaml or policy.yaml uses`;
  switch (endpoint.kind) {
    case 'pods': {
      if (endpoint.namespace.kind !== 'name')
        return "a recipe's assertion must name its namespace, so its probes stay in the pack's pods";
      const name = endpoint.namespace.name;
      return inPack(name) ?? { ...endpoint, namespace: { kind: 'name', name: naming.namespace(name) } };
    }
    case 'pod':
    case 'workload':
    case 'service':
      return inPack(endpoint.namespace) ?? { ...endpoint, namespace: naming.namespace(endpoint.namespace) };
    case 'address':
      return endpoint;
    case 'node':
      return "a recipe's assertion may not probe a node: nodes are the user's, not the pack's";
    default:
      return assertNever(endpoint);
  }
}
