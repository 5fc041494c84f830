import type { ResourceType } from './resource-types.js';

/**
 * Built-in kinds are checked against the official Kubernetes OpenAPI schemas that
 * kubernetes-models ships, as the real API server would reject a malformed Deployment.
 */
type Validating = new (data: object) => { validate(): void };
const models = new Map<string, Validating>();

export async function loadBuiltinModels(types: ResourceType[]): Promise<void> {
  for (const t of types) {
    const path = `kubernetes-models/${t.group ? `${t.group}/` : ''}${t.version}/${t.kind}`;
    try {
      const mod = (await import(path)) as Record<string, Validating>;
      const model = mod[t.kind];
      if (model) models.set(`${t.group}/${t.kind}`, model);
    } catch {
      // A kind kubernetes-models does not ship is stored unchecked.
    }
  }
}

export function validateBuiltin(t: ResourceType, obj: object): string[] {
  const Model = models.get(`${t.group}/${t.kind}`);
  if (!Model) return [];
  try {
    new Model(obj).validate();
    return [];
  } catch (err) {
    return [(err as Error).message.split('\n').slice(0, 5).join(' ')];
  }
}
