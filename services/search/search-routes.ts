import { Router, type Request } from 'express';
import { route } from '../access/api-route.js';
import type { KeyRing } from '../access/key-ring.js';
import { handleSchema } from '../accounts/account-schemas.js';
import type { AccountStore } from '../accounts/account-store.js';
import { badRequest } from '../core/errors.js';
import { isImageId } from '../core/ids.js';
import type { ImageRecord, PublicImage } from '../images/image-record.js';
import { decodeCursor, encodeCursor, queryDigest } from '../http/cursor.js';
import { foldTag } from '../images/metadata.js';
import { parseQuery as parseTerms } from './parse-query.js';
import { searchOperations as ops } from './search-operations.js';
import type { SearchIndex } from './search-index.js';
import { PRIVATE_CACHE_CONTROL } from '../http/cache-control.js';

export interface SearchRouteDeps {
  search: SearchIndex;
  accounts: AccountStore;
  ring: KeyRing;
  view: (record: ImageRecord, req: Request) => PublicImage;
}

/** `owner`: a user id or a handle; undefined when no such user (the search then finds nothing). */
async function ownerOf(owner: string | undefined, accounts: AccountStore): Promise<string | null | undefined> {
  if (owner === undefined) return null;
  if (isImageId(owner)) return owner;
  if (!handleSchema.safeParse(owner).success) throw badRequest('invalid_parameter', `expected a user id or a handle for owner but received ${JSON.stringify(owner.slice(0, 64))}`);
  return (await accounts.userByHandle(owner))?.id;
}

/** `GET /v1/search`: title, description and tags, newest first, only what the caller may see. */
export function searchRoutes(deps: SearchRouteDeps): Router {
  const router = Router();

  route(router, ops.search, async ({ req, res, principal: p, query: q }) => {
    const terms = parseTerms(q.q);
    const folded = q.tag === undefined ? undefined : foldTag(q.tag);
    const limit = q.limit ?? 50;
    const owner = await ownerOf(q.owner, deps.accounts);
    const ownerText = owner === null ? undefined : (owner ?? `handle:${q.owner}`);
    const digest = queryDigest({ search: JSON.stringify(terms), owner: ownerText, tag: folded });
    const after = q.cursor === undefined ? undefined : decodeCursor(deps.ring, digest, q.cursor, 'after').id;
    res.setHeader('Cache-Control', PRIVATE_CACHE_CONTROL);
    if (owner === undefined) {
      res.json({ items: [], nextCursor: null, prefixLimited: false });
      return;
    }
    const page = await deps.search.search(p, { terms, ownerId: owner ?? undefined, tag: folded, limit, after });
    res.json({
      items: page.items.map((r) => deps.view(r, req)),
      nextCursor: page.nextAfter ? encodeCursor(deps.ring, digest, { dir: 'after', id: page.nextAfter }) : null,
      prefixLimited: page.prefixLimited,
    });
  });

  return router;
}
