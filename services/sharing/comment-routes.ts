import { Router } from 'express';
import type { Redis } from 'ioredis';
import { assertScope, readerOrAnonymous, requireScope } from '../access/authenticate-request.js';
import { decideCommentDelete } from '../access/decide.js';
import type { ImageGuard } from '../access/image-guard.js';
import type { KeyRing } from '../access/key-ring.js';
import { forbidden, notFound, tooManyRequests } from '../core/errors.js';
import { parseParams } from '../http/openapi/parse-request.js';
import { parseBody } from '../http/parse-body.js';
import { redisKeys } from '../redis/keys.js';
import type { Limiter } from '../ratelimit/limiter.js';
import { setRateLimitHeaders } from '../ratelimit/rate-limit-headers.js';
import { commentOperations } from './comment-operations.js';
import type { Comments } from './comments.js';
import { queryDigest } from './cursor.js';
import { pageMembers } from './member-pages.js';
import { cursorOf, limitOf, pageCursors } from './page-params.js';

export interface CommentRouteDeps {
  redis: Redis;
  comments: Comments;
  guard: ImageGuard;
  ring: KeyRing;
  /** Comments per user and window; undefined when off. */
  limiter: Limiter | undefined;
}

/** Comments on an image: whoever may see the image reads them and, while the owner allows it, writes them. */
export function commentRoutes(deps: CommentRouteDeps): Router {
  const router = Router();

  router.post('/v1/images/:id/comments', requireScope('images:write'), async (req, res) => {
    const p = res.locals.principal;
    assertScope(p, 'images:write');
    const { body } = parseBody(commentOperations.create.body, req.body);
    const record = await deps.guard.view(p, req.params.id);
    if (record.commentsEnabled === false) throw forbidden('comments_disabled', 'the owner has turned comments off for this image');
    if (deps.limiter) {
      const spent = await deps.limiter.consume(p.userId);
      if (!spent.allowed) {
        setRateLimitHeaders(res, spent);
        throw tooManyRequests(`at most ${spent.limit} comments per ${spent.windowSeconds} s; retry in ${spent.resetSeconds} s`, spent.resetSeconds);
      }
    }
    const comment = await deps.comments.add(record, p.userId, body);
    res.status(201).setHeader('Cache-Control', 'no-store').setHeader('X-Content-Type-Options', 'nosniff').json(comment);
  });

  // Oldest first; a deleted (trashed) image's thread is as unknown as the image.
  router.get('/v1/images/:id/comments', readerOrAnonymous(), async (req, res) => {
    const record = await deps.guard.view(res.locals.principal, req.params.id);
    const digest = queryDigest({ comments: record.id });
    const page = await pageMembers(
      deps.redis,
      redisKeys.comments(record.id),
      { limit: limitOf(req), cursor: cursorOf(req, deps.ring, digest), oldestFirst: true },
      async (ids) => (await deps.comments.many(record.id, ids)).map((c) => ({ member: c.id, item: c })),
    );
    // Bodies are user text inside a JSON string: never sniffed into HTML by an old browser.
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', record.visibility === 'private' ? 'private, no-store' : 'no-cache').json({
      items: page.items,
      commentsEnabled: record.commentsEnabled !== false,
      ...pageCursors(deps.ring, digest, page),
    });
  });

  router.delete('/v1/images/:id/comments/:commentId', requireScope('images:write'), async (req, res) => {
    const p = res.locals.principal;
    assertScope(p, 'images:write');
    const { id, commentId } = parseParams(commentOperations.remove.params, req);
    const record = await deps.guard.view(p, id);
    const comment = await deps.comments.get(record.id, commentId);
    if (!comment) throw notFound('comment_not_found', `no comment with id ${commentId} on this image`);
    if (decideCommentDelete(p, record, comment.authorId) !== 'allow') throw forbidden('not_author', 'only the author of this comment or the owner of the image may delete it');
    await deps.comments.remove(record, comment, p.userId);
    res.status(204).end();
  });

  return router;
}
