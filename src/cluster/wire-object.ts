/**
 * client-node hands out API objects as its model classes, whose property names differ
 * from the wire where the wire name is a reserved word: a NetworkPolicy rule's `from`
 * is `_from`. `JSON.stringify` of such an object silently drops every `from` peer, so
 * anything that reads objects as plain JSON (the policy model, the lab's enforcer)
 * must first turn them back into their wire form.
 */
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';
import type { KubernetesObject } from '@kubernetes/client-node';
import { getSerializationType } from '@kubernetes/client-node/dist/util.js';

/**
 * `type` is the model's name, e.g. `V1NetworkPolicy`. The serializer writes every field
 * of the model, absent ones as `undefined`; the JSON round trip drops those, so a key is
 * there only when the API sent it (`egress` absent and `egress: []` differ in meaning).
 */
export function toWireObject(object: KubernetesObject, type: string): Record<string, unknown> {
  // A watch event carries the raw JSON, not a model: it is in wire form already.
  const wire: unknown = isModel(object) ? ObjectSerializer.serialize(object, type) : object;
  return JSON.parse(JSON.stringify(wire)) as Record<string, unknown>;
}

/** Lists give model class instances; informers mix them with watched plain objects. */
function isModel(object: object): boolean {
  return Object.getPrototypeOf(object) !== Object.prototype;
}

/**
 * The other way: a manifest as written (wire names) into the model the client's APIs
 * serialize from. Without it, `KubernetesObjectApi.patch` sends a NetworkPolicy with
 * every `from` dropped, and the API server stores rules that admit everyone.
 */
export function fromWireObject(object: Readonly<Record<string, unknown>>): KubernetesObject {
  const type = getSerializationType(String(object.apiVersion ?? ''), String(object.kind ?? ''));
  return ObjectSerializer.deserialize(object, type) as KubernetesObject;
}
