/**
 * Just enough Markdown for the docs checks: the links a file makes and the anchors its headings
 * give, as GitHub renders them. Fenced code blocks and inline code are not Markdown.
 */

/** The text outside fenced code blocks, with inline code blanked, line for line. */
export function prose(markdown: string): string[] {
  let fenced = false;
  return markdown.split('\n').map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line.replace(/`[^`]*`/g, '``');
  });
}

/** Every `[text](target)` link with a relative target: `{ line, target }`. */
export function relativeLinks(markdown: string): { line: number; target: string }[] {
  return prose(markdown).flatMap((text, i) =>
    [...text.matchAll(/\]\(([^)\s]+)\)/g)]
      .map((m) => m[1]!)
      .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
      .map((target) => ({ line: i + 1, target })),
  );
}

/** The anchors a file offers: GitHub's heading slugs (duplicates numbered) and explicit `<a id>`s. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    for (const m of line.matchAll(/<a (?:id|name)="([^"]+)"/g)) out.add(m[1]!);
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = slug(heading[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** GitHub's slug of a heading: lower case, punctuation dropped (code spans keep their text), spaces to hyphens. */
export function slug(heading: string): string {
  // HTML tags outside code spans render as nothing; inside them (`<id>`) they are text.
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .split('`')
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/<[^>]+>/g, '')))
    .join('')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}
