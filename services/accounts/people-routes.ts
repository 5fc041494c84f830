import { Router } from 'express';
import type { Redis } from 'ioredis';
import { route } from '../access/api-route.js';
import { isCaller } from '../access/permissions.js';
import { badRequest, notFound } from '../core/errors.js';
import { isImageId } from '../core/ids.js';
import type { RecordWriter } from '../images/record-writer.js';
import { redisKeys, shardCount } from '../redis/keys.js';
import { allShards } from '../core/shards.js';
import type { AccountStore } from './account-store.js';
import type { PasswordStore } from './password-store.js';
import { personOf } from './people.js';
import { sessionOperations as ops } from './session-operations.js';
import type { SessionStore } from './session-store.js';
import { publicUser } from './user.js';
import { PRIVATE_CACHE_CONTROL } from '../http/cache-control.js';

export interface PeopleRouteDeps {
  redis: Redis;
  accounts: AccountStore;
  passwords: PasswordStore;
  sessions: SessionStore;
  writer: RecordWriter;
}

/** Finding a person by handle, and the admin's enable and delete. */
export function peopleRoutes(deps: PeopleRouteDeps): Router {
  const router = Router();
  const { accounts } = deps;

  // Anyone signed in may look a handle up (to share with them); a disabled user is not found.
  route(router, ops.userByHandle, async ({ res, params: { handle } }) => {
    const user = await accounts.userByHandle(handle.toLowerCase());
    if (!user || user.disabledAt) throw notFound('user_not_found', `no user with the handle ${JSON.stringify(handle)}`);
    res.setHeader('Cache-Control', PRIVATE_CACHE_CONTROL).json(personOf(user));
  });

  route(router, ops.enableUser, async ({ res, params: { id } }) => {
    const user = isImageId(id) ? await accounts.getUser(id) : undefined;
    if (!user) throw notFound('user_not_found', `no user with id ${id}`);
    const enabled = await accounts.enableUser(user.id);
    res.locals.log.info({ userId: user.id }, 'user enabled');
    res.json(publicUser(enabled));
  });

  route(router, ops.deleteUser, async ({ res, principal: p, params: { id } }) => {
    if (isCaller(p, id)) throw badRequest('cannot_delete_self', 'an admin cannot delete their own account');
    const user = isImageId(id) ? await accounts.getUser(id) : undefined;
    if (!user) throw notFound('user_not_found', `no user with id ${id}`);
    // Sign-in first, so nothing new arrives while the images go to the trash.
    await accounts.updateUser(user.id, { disabledAt: user.disabledAt ?? new Date().toISOString() });
    await deps.sessions.destroyAll(user.id);
    const deletedAt = new Date().toISOString();
    let trashed = 0;
    // The owner's listing has one set per shard.
    const ids = (await Promise.all(allShards(shardCount()).map((shard) => deps.redis.zrange(redisKeys.ownerImages(shard, user.id), 0, -1)))).flat();
    for (const id of ids) {
      await deps.writer.update(id, (current) => (current.deletedAt ? current : { ...current, deletedAt, updatedAt: deletedAt }), p.userId).then(
        () => trashed++,
        (err: unknown) => res.locals.log.warn({ err, imageId: id }, 'image of a deleted user not trashed'),
      );
    }
    await deps.passwords.remove(user.id);
    await accounts.deleteUser(user);
    res.locals.log.info({ userId: user.id, trashed }, 'user deleted');
    res.status(204).end();
  });

  return router;
}
