/** Kubernetes label selector syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`. */
export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

export function parseLabelSelector(text: string | null | undefined): LabelMatcher {
  if (!text) return () => true;
  const terms = splitTerms(text).map(parseTerm);
  return (labels) => terms.every((t) => t(labels ?? {}));
}

function splitTerms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

function parseTerm(term: string): (labels: Record<string, string>) => boolean {
  let m = /^(\S+?)\s+(in|notin)\s+\((.*)\)$/.exec(term);
  if (m) {
    const [, key, op, list] = m as unknown as [string, string, string, string];
    const values = new Set(list.split(',').map((v) => v.trim()));
    return op === 'in' ? (l) => key in l && values.has(l[key]!) : (l) => !(key in l) || !values.has(l[key]!);
  }
  m = /^(\S+?)\s*(!=|==|=)\s*(\S*)$/.exec(term);
  if (m) {
    const [, key, op, value] = m as unknown as [string, string, string, string];
    return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  if (term.startsWith('!')) return (l) => !(term.slice(1) in l);
  if (/^\S+$/.test(term)) return (l) => term in l;
  throw new Error(`unable to parse requirement: ${term}`);
}
