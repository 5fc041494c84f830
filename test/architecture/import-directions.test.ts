import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { folderImports, folderKnots, type FolderImport } from './import-graph.js';

/**
 * DESIGN.md's import directions, kept by a test (issue 23): read every relative import of
 * services/ and fail on an arrow the house does not allow.
 *
 * - `core/` imports no other folder (it is the pure, shared floor);
 * - `http/` imports no role (its helpers serve every role; the app is composed in `runtime/`);
 * - `storage/`, `redis/` and `imaging/` import only `core/` (and `telemetry/`, the metrics
 *   floor every part records into);
 * - nothing imports `runtime/` but the command line that starts it;
 * - no knot of folders beyond the domain rooms: the floors (`core/`, `http/`, `storage/`, …) sit
 *   on no loop. The domain rooms may form one: access/ decides on images, albums and events
 *   whose routes ask it, and types shared that way are the design's, not a drift.
 */
const SERVICES = fileURLToPath(new URL('../../services/', import.meta.url));

/** The roles: folders that own routes, jobs or a domain's state. */
const ROLES = ['upload', 'resizer', 'origin', 'sharing', 'accounts', 'access', 'search', 'events', 'analytics', 'images', 'capacity', 'runtime', 'cli'];
const FLOORS = ['storage', 'redis', 'imaging'];
/** The rooms of the domain (DESIGN.md, "Code layout"), which may stand on each other. */
const DOMAIN_ROOMS = ['upload', 'resizer', 'origin', 'sharing', 'accounts', 'access', 'search', 'events', 'analytics', 'images'];

export function brokenRules(edges: FolderImport[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    const arrow = `${e.file} -> ${e.target}`;
    if (e.from === 'core') out.push(`core/ imports ${e.to}/: ${arrow}`);
    if (e.from === 'http' && ROLES.includes(e.to)) out.push(`http/ imports the role ${e.to}/: ${arrow}`);
    if (FLOORS.includes(e.from) && !['core', 'telemetry'].includes(e.to)) out.push(`${e.from}/ imports ${e.to}/: ${arrow}`);
    if (e.to === 'runtime' && !['cli', 'runtime'].includes(e.from)) out.push(`${e.from}/ imports runtime/: ${arrow}`);
  }
  return [...new Set(out)].sort();
}

describe('import directions (DESIGN.md, "Rules that keep the house walkable")', () => {
  const edges = folderImports(SERVICES);

  it('reads the imports of every folder', () => {
    expect(new Set(edges.map((e) => e.from)).size).toBeGreaterThan(12);
  });

  it('core/ imports no other folder; http/ no role; storage/, redis/, imaging/ only core/; nothing but the CLI imports runtime/', () => {
    expect(brokenRules(edges)).toEqual([]);
  });

  it('leaves no floor on a knot of folders: only the domain rooms may import each other both ways', () => {
    const inner = edges.filter((e) => !['runtime', 'cli'].includes(e.from) && !['runtime', 'cli'].includes(e.to));
    const floorsOnKnots = folderKnots(inner).flatMap((knot) => knot.filter((f) => !DOMAIN_ROOMS.includes(f)).map((f) => ({ folder: f, knot })));
    expect(floorsOnKnots).toEqual([]);
  });
});

describe('the rules themselves', () => {
  const edge = (file: string, target: string): FolderImport => ({ from: file.split('/')[0]!, to: target.split('/')[0]!, file, target });

  it('flag each kind of arrow the design forbids, and pass the ones it allows', () => {
    expect(brokenRules([edge('core/a.ts', 'access/b.ts')])).toHaveLength(1);
    expect(brokenRules([edge('http/a.ts', 'origin/b.ts')])).toHaveLength(1);
    expect(brokenRules([edge('redis/a.ts', 'images/b.ts')])).toHaveLength(1);
    expect(brokenRules([edge('sharing/a.ts', 'runtime/b.ts')])).toHaveLength(1);
    expect(brokenRules([edge('origin/a.ts', 'core/b.ts'), edge('http/a.ts', 'core/b.ts'), edge('redis/a.ts', 'core/b.ts'), edge('cli/a.ts', 'runtime/b.ts'), edge('runtime/a.ts', 'origin/b.ts')])).toEqual([]);
  });

  it('find a knot of folders, and none in a one-way chain', () => {
    expect(folderKnots([{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }, { from: 'c', to: 'd' }])).toEqual([['a', 'b', 'c']]);
    expect(folderKnots([{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }])).toEqual([]);
  });
});
