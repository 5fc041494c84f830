import type { Request } from 'express';

/** A query parameter given once; a repeated or missing one is undefined (validation then says so). */
export function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' ? value : undefined;
}
