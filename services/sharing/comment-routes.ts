import { Router } from 'express';
import type { Redis } from 'ioredis';
import { route } from '../access/api-route.js';
import { check } from '../access/permissions.js';
import type { ImageGuard } from '../access/image-guard.js';
import type { KeyRing } from '../access/key-ring.js';
import { badRequest, forbidden, notFound, tooManyRequests } from '../core/errors.js';
import { redisKeys } from '../redis/keys.js';
import type { Limiter } from '../ratelimit/limiter.js';
import { setRateLimitHeaders } from '../ratelimit/rate-limit-headers.js';
import { commentOperations as ops } from './comment-operations.js';
import type { AccountStore } from '../accounts/account-store.js';
import { peopleByIds } from '../accounts/people.js';
import type { Comments } from './comments.js';
import { queryDigest } from '../http/cursor.js';
import { pageMembers } from './member-pages.js';
import { pageCursors, pageRequest } from '../http/page-params.js';
import { cacheControlFor } from '../http/cache-control.js';

export interface CommentRouteDeps {
  redis: Redis;
  /** Who wrote what: listings carry each author's handle and display name. */
  accounts: AccountStore;
  comments: Comments;
  guard: ImageGuard;
  ring: KeyRing;
  /** Comments per user and window; undefined when off. */
  limiter: Limiter | undefined;
}

/** Comments on an image: whoever may see the image reads them and, while the owner allows it, writes them. */
export function commentRoutes(deps: CommentRouteDeps): Router {
  const router = Router();

  route(router, ops.create, async ({ req, res, principal: p, params, body: { body } }) => {
    const record = await deps.guard.view(p, params.id);
    if (record.commentsEnabled === false) throw forbidden('comments_disabled', 'the owner has turned comments off for this image');
    if (deps.limiter) {
      const spent = await deps.limiter.consume(p.userId);
      if (!spent.allowed) {
        setRateLimitHeaders(res, spent);
        throw tooManyRequests(`at most ${spent.limit} comments per ${spent.windowSeconds} s; retry in ${spent.resetSeconds} s`, spent.resetSeconds);
      }
    }
    const idempotencyKey = req.get('idempotency-key');
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,128}$/.test(idempotencyKey)) {
      throw badRequest('invalid_idempotency_key', 'expected an Idempotency-Key of 1 to 128 visible ASCII characters');
    }
    const { comment: added, replayed } = await deps.comments.add(record, p.userId, body, new Date(), idempotencyKey);
    const comment = { ...added, author: (await peopleByIds(deps.accounts, [p.userId])).get(p.userId) ?? null };
    res.status(replayed ? 200 : 201).setHeader('Cache-Control', 'no-store').setHeader('X-Content-Type-Options', 'nosniff').json(comment);
  });

  // Oldest first; a deleted (trashed) image's thread is as unknown as the image.
  route(router, ops.list, async ({ res, principal, params, query }) => {
    const record = await deps.guard.view(principal, params.id);
    const digest = queryDigest({ comments: record.id });
    const page = await pageMembers(
      deps.redis,
      redisKeys.comments(record.id),
      { ...pageRequest(query, deps.ring, digest), oldestFirst: true },
      async (ids) => {
        const comments = await deps.comments.many(record.id, ids);
        const people = await peopleByIds(deps.accounts, comments.map((c) => c.authorId));
        return comments.map((c) => ({ member: c.id, item: { ...c, author: people.get(c.authorId) ?? null } }));
      },
    );
    // Bodies are user text inside a JSON string: never sniffed into HTML by an old browser.
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', cacheControlFor(record.visibility, 'no-cache')).json({
      items: page.items,
      commentsEnabled: record.commentsEnabled !== false,
      ...pageCursors(deps.ring, digest, page),
    });
  });

  route(router, ops.remove, async ({ res, principal: p, params: { id, commentId } }) => {
    const record = await deps.guard.view(p, id);
    const comment = await deps.comments.get(record.id, commentId);
    if (!comment) throw notFound('comment_not_found', `no comment with id ${commentId} on this image`);
    if (check('comment.delete', p, { image: record, authorId: comment.authorId }) !== 'allow') throw forbidden('not_author', 'only the author of this comment or the owner of the image may delete it');
    await deps.comments.remove(record, comment, p.userId);
    res.status(204).end();
  });

  return router;
}
