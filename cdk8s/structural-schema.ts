/**
 * Turns zod's OpenAPI 3.0 output into a Kubernetes structural schema: every node typed, no
 * `additionalProperties: false`, int-or-string and preserve-unknown-fields in the form the API
 * server requires, and none of zod's safe-integer bounds (noise in `kubectl explain`).
 */
export type JsonSchema = { [key: string]: unknown };

const SAFE = Number.MAX_SAFE_INTEGER;

export function toStructural(node: JsonSchema): JsonSchema {
  if (node['x-kubernetes-int-or-string'] === true) return intOrString(node);
  if (node['x-kubernetes-preserve-unknown-fields'] === true) {
    return withDescription({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, node);
  }
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema' || key === 'propertyNames') continue;
    if (key === 'additionalProperties' && (value === false || isEmptyObject(value))) continue;
    if ((key === 'minimum' && value === -SAFE) || (key === 'maximum' && value === SAFE)) continue;
    if (key === 'properties') out[key] = mapValues(value as Record<string, JsonSchema>, toStructural);
    else if (key === 'items' || key === 'additionalProperties') out[key] = toStructural(value as JsonSchema);
    else if (key === 'anyOf' || key === 'oneOf' || key === 'allOf') throw new Error(`${key} is not structural here; express it as a CEL rule (x-kubernetes-validations)`);
    else out[key] = value;
  }
  if (out.type === undefined) throw new Error(`schema node has no type: ${JSON.stringify(node).slice(0, 200)}`);
  return out;
}

/** Quantities: `anyOf` integer|string at the top, the string pattern beside it, as in core types. */
function intOrString(node: JsonSchema): JsonSchema {
  const branches = (node.anyOf ?? []) as JsonSchema[];
  const pattern = branches.find((b) => b.type === 'string')?.pattern;
  return withDescription(
    {
      anyOf: [{ type: 'integer' }, { type: 'string' }],
      ...(pattern ? { pattern } : {}),
      'x-kubernetes-int-or-string': true,
    },
    node,
  );
}

function withDescription(out: JsonSchema, from: JsonSchema): JsonSchema {
  return typeof from.description === 'string' ? { description: from.description, ...out } : out;
}

function mapValues<T, U>(record: Record<string, T>, fn: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fn(v)]));
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}
