import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SERVICES = fileURLToPath(new URL('../..', import.meta.url));

/** A route's method, path and scope are its operation object's: a routes file restating them drifts. */
const RESTATED: [RegExp, string][] = [
  [/\brouter\.(?:get|head|post|put|patch|delete|all)\(\s*['"`]/, 'registers a literal path (use route(router, op, handler), or router[op.method](op.path, …))'],
  [/(['"`])\/v1\/[^'"`$\s]*\1/, "writes a literal '/v1/…' path (the operation object has it)"],
  [/\b(?:requireScope|readerOrAnonymous|requireAdmin)\(/, 'calls an admission middleware itself (route() admits from op.auth and op.scope)'],
];

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return routeFiles(path);
    return name.endsWith('-routes.ts') ? [relative(SERVICES, path)] : [];
  });
}

describe('routes are registered from their operation objects', () => {
  const files = routeFiles(SERVICES);
  const problems = (file: string) => {
    const text = readFileSync(join(SERVICES, file), 'utf8');
    return RESTATED.filter(([pattern]) => pattern.test(text)).map(([, what]) => `${file} ${what}`);
  };

  it('no routes file restates a method, path or scope', () => {
    expect(files.length).toBeGreaterThan(15);
    expect(files.flatMap(problems)).toEqual([]);
  });
});
