import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/repo-root.js';

/**
 * Issue 23, item 2: route handlers and the origin ask `services/access/` who may do what; they
 * never decide it themselves. A handler that compares owner or user ids, or asks `isAdmin`,
 * is a second access decision that the access tables and the matrix do not see (the trash
 * listing's only check once lived in its route), so this test reads the source and fails on one.
 */

/** What reads as deciding access by hand, each with the reason shown when it fires. */
const RULES: [RegExp, string][] = [
  [/\bisAdmin\s*\(/, 'calls isAdmin: ask services/access/ (check, ownerFilter) instead'],
  // An owner or user id on either side of an equality, unless the other side is undefined/null.
  [/\b(?:ownerId|userId)\s*[!=]==\s*(?!\s*(?:undefined|null)\b)/, 'compares an owner or user id: ask services/access/ instead'],
  [/(?<!\b(?:undefined|null))\s*[!=]==\s*[\w.\[\]]*\b(?:ownerId|userId)\b/, 'compares an owner or user id: ask services/access/ instead'],
  [/[!=]==\s*(?:p|principal|caller)\.id\b|\b(?:p|principal|caller)\.id\s*[!=]==/, "compares the caller's id: ask services/access/ instead"],
  // The view rule's parts: a handler holding them is deciding visibility itself (the `/i/` path
  // once did, beside decideView); it asks a guard, `check`, or `serveNow`/`serveLater` instead.
  [/\b(?:decideView|needsGrant)\b/, 'uses the view rule directly: ask check, a guard or access/serve-decision.ts instead'],
];

/** One line per offending source line, with the first rule it breaks. */
function offences(source: string): string[] {
  const out: string[] = [];
  source.split('\n').forEach((line, i) => {
    const code = line.replace(/\/\/.*$/, '');
    const hit = RULES.find(([rule]) => rule.test(code));
    if (hit) out.push(`${i + 1}: ${hit[1]}: ${line.trim()}`);
  });
  return out;
}

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(ROOT, path)).isDirectory()) return files(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every route module, and every file of the origin (the `/i/` path decides on its own fast path). */
const checked = files('services').filter((f) => f.endsWith('-routes.ts') || f.startsWith('services/origin/'));

describe('access decisions live in services/access/', () => {
  it('the detector fires on the handler-side checks it exists for, and not on plain code', () => {
    expect(offences("if (!key || (key.userId !== p.userId && !isAdmin(p))) throw notFound('x');")).toHaveLength(1);
    expect(offences('if (record.ownerId === caller.id) return true;')).not.toHaveLength(0);
    expect(offences('if (m[1] !== p.userId) throw hidden();')).toHaveLength(1);
    expect(offences('const items = await list(isAdmin(p) ? undefined : p.userId);')).toHaveLength(1);
    expect(offences('if (album.ownerId === ownerId) out.push(album);')).not.toHaveLength(0);
    expect(offences('return ownerId === undefined ? this.none : this.cache.get(ownerId);')).toEqual([]);
    expect(offences('if (check("image.view", p, record) !== "allow") throw hidden(record.id);')).toEqual([]);
    expect(offences('// compares ownerId === here in a comment only')).toEqual([]);
    expect(offences("import { decideView, needsGrant } from '../access/decide.js';")).toHaveLength(1);
  });

  it('reads every route module and origin file', () => {
    expect(checked.filter((f) => f.endsWith('-routes.ts')).length).toBeGreaterThan(15);
    expect(checked).toContain('services/origin/serve-access.ts');
  });

  it.each(checked)('%s decides no access itself (no owner-id comparison, isAdmin or view rule)', (file) => {
    expect(offences(readFileSync(join(ROOT, file), 'utf8'))).toEqual([]);
  });
});
