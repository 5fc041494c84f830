import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** One import between two folders of services/, with the files that make it. */
export interface FolderImport {
  from: string;
  to: string;
  file: string;
  target: string;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The source files of a tree (tests and fixtures left out: they may reach anywhere). */
export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.tsx?$/.test(entry.name) && !/\.(test|contract|fixture|test-support)\.ts$/.test(entry.name)) out.push(full);
    }
  };
  walk(root);
  return out.sort();
}

/** The folder of services/ a file sits in (`services/origin/x.ts` → `origin`). */
export function folderOf(servicesDir: string, file: string): string {
  return relative(servicesDir, file).split(/[\\/]/)[0]!;
}

/** Every relative import of services/ that crosses from one of its folders into another. */
export function folderImports(servicesDir: string): FolderImport[] {
  const out: FolderImport[] = [];
  for (const file of sourceFiles(servicesDir)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      if (!spec?.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      if (relative(servicesDir, target).startsWith('..')) continue;
      const from = folderOf(servicesDir, file);
      const to = folderOf(servicesDir, target);
      if (from !== to) out.push({ from, to, file: relative(servicesDir, file), target: relative(servicesDir, target).replace(/\.js$/, '.ts') });
    }
  }
  return out;
}

/** Folder-level cycles: each strongly connected set of two or more folders (Tarjan). */
export function folderKnots(edges: { from: string; to: string }[]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    if (!graph.has(from)) graph.set(from, new Set());
    if (!graph.has(to)) graph.set(to, new Set());
    graph.get(from)!.add(to);
  }
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const knots: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const knot: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        knot.push(w);
      } while (w !== v);
      if (knot.length > 1) knots.push(knot.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!indices.has(v)) visit(v);
  return knots;
}
