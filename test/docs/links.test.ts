import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/repo-root.js';
import { anchors, relativeLinks, slug } from './markdown.js';

/** The docs a reader moves between: every relative link must lead to a file, and to a heading in it. */
const TOP = ['README.md', 'CONTRIBUTING.md', 'BENCHMARKS.md', 'CHANGELOG.md'];

function markdownUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return markdownUnder(path);
    return path.endsWith('.md') ? [path] : [];
  });
}

describe('relative links in the docs', () => {
  const files = [...TOP, ...markdownUnder('docs')];

  it('reads the README, the top-level guides and docs/', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', 'docs/architecture.md', 'docs/configuration.md']));
  });

  it.each(files)('%s: every relative link leads to a file and an anchor in it', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const broken: string[] = [];
    for (const { line, target } of relativeLinks(text)) {
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const to = path === '' ? join(ROOT, file) : resolve(ROOT, dirname(file), decodeURIComponent(path));
      if (!existsSync(to)) {
        broken.push(`${file}:${line}: ${target} (no file ${relative(ROOT, to)})`);
        continue;
      }
      if (anchor && to.endsWith('.md') && !anchors(readFileSync(to, 'utf8')).has(anchor)) {
        broken.push(`${file}:${line}: ${target} (no heading #${anchor} in ${relative(ROOT, to)})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('reaches every page from the README, link by link', () => {
    const reached = new Set(['README.md']);
    const queue = ['README.md'];
    while (queue.length > 0) {
      const file = queue.shift()!;
      for (const { target } of relativeLinks(readFileSync(join(ROOT, file), 'utf8'))) {
        const path = target.split('#')[0]!;
        if (!path.endsWith('.md')) continue;
        const to = relative(ROOT, resolve(ROOT, dirname(file), decodeURIComponent(path)));
        if (files.includes(to) && !reached.has(to)) {
          reached.add(to);
          queue.push(to);
        }
      }
    }
    expect(files.filter((f) => !reached.has(f))).toEqual([]);
  });

  it('makes GitHub slugs of headings', () => {
    expect(slug('Serving: `/i/<id>`')).toBe('serving-iid');
    expect(slug('`<picture>` markup: `GET /v1/images/<id>/srcset`')).toBe('picture-markup-get-v1imagesidsrcset');
    expect(slug("The ImageService's `spec.config`")).toBe('the-imageservices-specconfig');
    expect([...anchors('# A\n## A\n```\n# not a heading\n```\n<a id="x"></a>')]).toEqual(['a', 'a-1', 'x']);
  });
});
