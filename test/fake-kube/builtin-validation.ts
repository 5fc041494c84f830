/**
 * Built-in kinds are checked against the official Kubernetes OpenAPI schemas that
 * kubernetes-models ships, as the real API server would reject a malformed Deployment. The
 * fake API server and the construct tests use the same check.
 */
type Validating = new (data: object) => { validate(): void };
const models = new Map<string, Validating | null>();

async function modelFor(apiVersion: string, kind: string): Promise<Validating | null> {
  const key = `${apiVersion}/${kind}`;
  if (!models.has(key)) {
    try {
      const mod = (await import(/* @vite-ignore */ `kubernetes-models/${apiVersion}/${kind}`)) as Record<string, Validating>;
      models.set(key, mod[kind] ?? null);
    } catch {
      models.set(key, null);
    }
  }
  return models.get(key) ?? null;
}

/** Loads the models up front, so the server can validate synchronously. */
export async function loadBuiltinModels(types: { group: string; version: string; kind: string }[]): Promise<void> {
  for (const t of types) await modelFor(t.group ? `${t.group}/${t.version}` : t.version, t.kind);
}

/** Problems with a built-in object; none for a kind kubernetes-models does not ship (or not loaded). */
export function validateBuiltin(t: { group: string; version: string; kind: string }, obj: object): string[] {
  const Model = models.get(`${t.group ? `${t.group}/${t.version}` : t.version}/${t.kind}`);
  return Model ? check(Model, obj) : [];
}

/** For tests: every object must be of a kind kubernetes-models knows, and valid. */
export async function validateObject(obj: { apiVersion: string; kind: string }): Promise<string[]> {
  const Model = await modelFor(obj.apiVersion, obj.kind);
  if (!Model) return [`no OpenAPI schema for ${obj.apiVersion} ${obj.kind}`];
  return check(Model, obj);
}

function check(Model: Validating, obj: object): string[] {
  try {
    new Model(obj).validate();
    return [];
  } catch (err) {
    return [(err as Error).message.split('\n').slice(0, 8).join(' ')];
  }
}
