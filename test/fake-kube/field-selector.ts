/** Field selectors: `metadata.name=x`, `involvedObject.uid==y`, `type!=Normal`, comma-joined (all must hold). */
export type FieldMatcher = (object: Record<string, unknown>) => boolean;

export function parseFieldSelector(text: string | null | undefined): FieldMatcher {
  if (!text) return () => true;
  const terms = text.split(',').map((term) => {
    const m = /^([A-Za-z0-9_.]+)\s*(!=|==|=)\s*(.*)$/.exec(term.trim());
    if (!m) throw new Error(`invalid field selector: ${term}`);
    const [, path, op, value] = m as unknown as [string, string, string, string];
    return (o: Record<string, unknown>) => {
      const actual = path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), o);
      const equal = String(actual ?? '') === value;
      return op === '!=' ? !equal : equal;
    };
  });
  return (o) => terms.every((t) => t(o));
}
