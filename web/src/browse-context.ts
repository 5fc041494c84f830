/** The ids of the grid the person came from, for the photo page's previous/next. */
let ids: string[] = [];

export function setBrowseContext(next: string[]): void {
  ids = next;
}

export function neighbours(id: string): { prev: string | undefined; next: string | undefined } {
  const at = ids.indexOf(id);
  if (at < 0) return { prev: undefined, next: undefined };
  return { prev: ids[at - 1], next: ids[at + 1] };
}
