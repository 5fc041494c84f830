import { parseEvent } from '../../services/events/event-log.js';
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newImageId } from '../../services/core/ids.js';
import { redisKeys } from '../../services/redis/keys.js';
import { findFreePort } from '../../services/redis/free-port.js';
import { NOTIFICATIONS_GROUP } from '../../services/sharing/notification-feed.js';
import { Notifications, type Notification } from '../../services/sharing/notifications.js';
import { api, createUser, type TestUser } from '../helpers/accounts.js';
import { corpusPath } from '../helpers/corpus.js';
import { eventually } from '../helpers/eventually.js';
import { uploadBytes } from '../helpers/http.js';
import { jpegVariant } from '../helpers/jpeg-variant.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { spawnImgsvc, waitForListening, type Spawned } from '../helpers/spawn-imgsvc.js';
import { everyShard } from '../helpers/shards.js';

/**
 * Notifications: batched per recipient and image, for the owner and earlier commenters and
 * never the author; read state; and a consumer SIGKILLed mid-batch losing and doubling nothing.
 */
let jpeg: Buffer;
let n = 0;
type Feed = { items: Notification[]; unreadCount: number; nextCursor: string | null; prevCursor: string | null };

beforeAll(async () => {
  jpeg = await readFile(corpusPath('photos/tower_progressive.jpg'));
});

async function upload(t: TestService, user: TestUser, visibility: 'public' | 'private' = 'public'): Promise<string> {
  const up = await uploadBytes(t.url, jpegVariant(jpeg, `notifications-${n++}`), 'image/jpeg', user.key, `?visibility=${visibility}`);
  expect(up.status).toBe(201);
  return String(up.body.id);
}
const feed = async (t: TestService, user: TestUser, query = '') => {
  const res = await api(t.url, 'GET', `/v1/me/notifications${query}`, user.key);
  expect(res.status).toBe(200);
  return res.body as unknown as Feed;
};
const comment = async (t: TestService, user: TestUser, image: string, body: string) => {
  const res = await api(t.url, 'POST', `/v1/images/${image}/comments`, user.key, { body });
  expect(res.status).toBe(201);
  return String(res.body.id);
};
const counts = async (t: TestService, users: TestUser[]) => Promise.all(users.map(async (u) => (await feed(t, u)).items.map((i) => i.count)));

describe('notifications', () => {
  let t: TestService;
  let owner: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let dave: TestUser;

  beforeAll(async () => {
    t = await startTestService({ IMGSVC_RATE_LIMIT_PER_KEY: 'off', IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off', IMGSVC_COMMENT_RATE: 'off' });
    owner = await createUser(t.url, t.adminKey, 'owner');
    bob = await createUser(t.url, t.adminKey, 'bob');
    carol = await createUser(t.url, t.adminKey, 'carol');
    dave = await createUser(t.url, t.adminKey, 'dave');
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('batch ten comments into one notification for the owner, tell earlier commenters and never the author', async () => {
    const image = await upload(t, owner);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await comment(t, bob, image, `bob ${i}`));
    const first = await eventually(async () => {
      const f = await feed(t, owner);
      expect(f.items.map((i) => i.count)).toEqual([10]);
      return f;
    });
    expect(first.unreadCount).toBe(1);
    expect(first.items[0]).toMatchObject({ imageId: image, count: 10, read: false });
    expect(first.items[0]!.latest).toEqual(ids.map((commentId) => ({ commentId, authorId: bob.id, author: { id: bob.id, handle: 'bob', displayName: 'bob' } })));
    expect((await feed(t, bob)).items).toEqual([]); // the author

    const carols = await comment(t, carol, image, 'carol joins');
    await eventually(async () => expect(await counts(t, [owner, bob, carol])).toEqual([[11], [1], []]));
    await comment(t, dave, image, 'dave too');
    await eventually(async () => expect(await counts(t, [owner, bob, carol, dave])).toEqual([[12], [2], [1], []]));
    const bobs = (await feed(t, bob)).items[0]!;
    expect(bobs.latest.map((l) => l.authorId)).toEqual([carol.id, dave.id]);
    expect(bobs.latest[0]!.commentId).toBe(carols);
    // The owner commenting notifies the commenters, not the owner.
    await comment(t, owner, image, 'thanks all');
    await eventually(async () => expect(await counts(t, [owner, bob, carol, dave])).toEqual([[12], [3], [2], [1]]));
  });

  it('are read by id, up to one, or all; a new comment in the batch makes it unread again', async () => {
    const reader = await createUser(t.url, t.adminKey, `reader-${n++}`);
    const images = [await upload(t, reader), await upload(t, reader), await upload(t, reader)];
    for (const image of images) await comment(t, bob, image, 'hello');
    const all = await eventually(async () => {
      const f = await feed(t, reader);
      expect(f.items.length).toBe(3);
      return f;
    });
    expect(all.unreadCount).toBe(3);
    // Newest first, paged.
    expect(all.items.map((i) => i.imageId)).toEqual([...images].reverse());
    const page1 = await feed(t, reader, '?limit=2');
    expect(page1.items.map((i) => i.imageId)).toEqual([images[2], images[1]]);
    const page2 = await feed(t, reader, `?limit=2&after=${page1.nextCursor}`);
    expect(page2.items.map((i) => i.imageId)).toEqual([images[0]]);
    expect((await feed(t, reader, `?limit=2&before=${page2.prevCursor}`)).items.map((i) => i.imageId)).toEqual([images[2], images[1]]);

    const read = (body: unknown) => api(t.url, 'POST', '/v1/me/notifications/read', reader.key, body);
    expect((await read({ ids: [all.items[0]!.id] })).body).toEqual({ unreadCount: 2 });
    expect((await feed(t, reader)).items.map((i) => i.read)).toEqual([true, false, false]);
    expect((await read({ upTo: all.items[1]!.id })).body).toEqual({ unreadCount: 0 });
    await comment(t, carol, images[1]!, 'another');
    await eventually(async () => expect((await feed(t, reader)).unreadCount).toBe(1));
    expect((await feed(t, reader)).items.map((i) => [i.count, i.read])).toEqual([[1, true], [2, false], [1, true]]);
    expect((await read({ all: true })).body).toEqual({ unreadCount: 0 });

    // Bad input: a clear 400 and nothing changed.
    await comment(t, carol, images[0]!, 'unread again');
    await eventually(async () => expect((await feed(t, reader)).unreadCount).toBe(1));
    for (const body of [{}, { ids: [] }, { ids: ['nope'] }, { all: false }, { all: true, ids: [all.items[0]!.id] }, { upTo: 'x' }, { everything: true }]) {
      const res = await read(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_body' });
    }
    for (const query of ['?after=garbage', `?after=${(await feed(t, bob, '?limit=1')).nextCursor ?? 'x'}`, '?limit=500']) {
      expect((await api(t.url, 'GET', `/v1/me/notifications${query}`, reader.key)).status, query).toBe(400);
    }
    expect((await feed(t, reader)).unreadCount).toBe(1);
  });

  it('about an image the recipient may no longer see are left out when read', async () => {
    const sharer = await createUser(t.url, t.adminKey, `sharer-${n++}`);
    const [bob, carol] = [await createUser(t.url, t.adminKey, `fan-${n++}`), await createUser(t.url, t.adminKey, `fan-${n++}`)];
    const image = await upload(t, sharer);
    await comment(t, bob, image, 'first');
    await comment(t, carol, image, 'second');
    await eventually(async () => expect(await counts(t, [bob])).toEqual([[1]]));
    expect((await feed(t, bob)).unreadCount).toBe(1);
    expect((await api(t.url, 'PATCH', `/v1/images/${image}`, sharer.key, { visibility: 'private' })).status).toBe(200);
    expect(await feed(t, bob)).toMatchObject({ items: [], unreadCount: 0 });
    expect((await feed(t, sharer)).items.map((i) => i.count)).toEqual([2]);
    expect((await api(t.url, 'PUT', `/v1/me/viewers/${bob.id}`, sharer.key)).status).toBe(200);
    expect(await counts(t, [bob])).toEqual([[1]]);
    expect((await api(t.url, 'DELETE', `/v1/images/${image}`, sharer.key)).status).toBe(200);
    expect(await feed(t, sharer)).toMatchObject({ items: [], unreadCount: 0 });
  });

  // Issue 21, item 9: "mark all read" (and by id) marks only what the reader can still see.
  it('marked all read leave those about an image the reader may no longer see unread, news again when access returns', async () => {
    const sharer = await createUser(t.url, t.adminKey, `sharer-${n++}`);
    const [fan, other] = [await createUser(t.url, t.adminKey, `fan-${n++}`), await createUser(t.url, t.adminKey, `fan-${n++}`)];
    const image = await upload(t, sharer);
    await comment(t, fan, image, 'first');
    await comment(t, other, image, 'second');
    await eventually(async () => expect(await counts(t, [fan])).toEqual([[1]]));
    const notificationId = (await feed(t, fan)).items[0]!.id;
    expect((await api(t.url, 'PATCH', `/v1/images/${image}`, sharer.key, { visibility: 'private' })).status).toBe(200);
    expect((await api(t.url, 'POST', '/v1/me/notifications/read', fan.key, { all: true })).status).toBe(200);
    expect((await api(t.url, 'POST', '/v1/me/notifications/read', fan.key, { ids: [notificationId] })).status).toBe(200);
    expect((await api(t.url, 'PUT', `/v1/me/viewers/${fan.id}`, sharer.key)).status).toBe(200);
    expect(await feed(t, fan)).toMatchObject({ items: [{ id: notificationId, read: false }], unreadCount: 1 });
  });

  it('open a new batch once the window has passed, and count a redelivered event once', async () => {
    const store = new Notifications(t.redis.client, { windowMs: 5 * 60_000, appliedRetentionMs: 7 * 86_400_000 });
    const user = `window-${n++}`;
    const image = newImageId();
    const at = Date.now() - 3_600_000;
    const apply = (eventId: string, ms: number) => store.apply(user, { eventId, eventMs: ms, imageId: image, commentId: newImageId(ms), authorId: 'someone', newId: newImageId(ms) });
    expect(await apply(`${at}-0`, at)).toBe(true);
    expect(await apply(`${at + 240_000}-0`, at + 240_000)).toBe(true); // 4 minutes on: the same batch
    expect(await apply(`${at + 240_000}-0`, at + 240_000)).toBe(false); // redelivered
    expect(await apply(`${at + 301_000}-0`, at + 301_000)).toBe(true); // past the 5 minutes: a new one
    expect(await apply(`${at}-0`, at)).toBe(false); // an old one again, after the batch moved on
    const ids = await t.redis.client.zrange(redisKeys.notifications(user), 0, -1);
    expect((await store.many(user, ids)).map((x) => x.count)).toEqual([2, 1]);
  });
});

describe('the notification consumer, SIGKILLed mid-batch', () => {
  let t: TestService;
  const children: Spawned[] = [];
  beforeAll(async () => {
    // The API alone in this process: the consumer runs in resizer processes started below.
    t = await startTestService({ IMGSVC_ROLE: 'upload', IMGSVC_RATE_LIMIT_PER_KEY: 'off', IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off' });
  });
  afterEach(async () => {
    for (const c of children.splice(0)) {
      if (c.child.exitCode === null && c.child.signalCode === null) {
        c.child.kill('SIGKILL');
        await c.exited;
      }
    }
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function startResizer(env: Record<string, string>): Promise<Spawned> {
    const port = await findFreePort();
    const s = spawnImgsvc(['serve', '--role', 'resizer', '--port', String(port)], {
      cwd: t.dataDir,
      env: { REDIS_URL: t.redis.url, IMGSVC_DATA_DIR: t.dataDir, IMGSVC_NOTIFICATION_RECLAIM_SECONDS: '1', ...env },
    });
    children.push(s);
    await waitForListening(s);
    return s;
  }
  const stored = async (userId: string) => {
    const data = await t.redis.client.hvals(redisKeys.notificationData(userId));
    return data.map((d) => (JSON.parse(d) as { count: number }).count);
  };
  const pending = async () => {
    try {
      // Only the comment events: the round also holds the image's own events (created, ready).
      let comments = 0;
      for (const stream of everyShard(redisKeys.events)) {
        const ids = ((await t.redis.client.xpending(stream, NOTIFICATIONS_GROUP, '-', '+', 1000)) as [string][]).map((p) => p[0]);
        for (const id of ids) for (const [eid, fields] of await t.redis.client.xrange(stream, id, id)) if (parseEvent(eid, fields)?.type === 'comment.created') comments++;
      }
      return comments;
    } catch {
      return 0; // no group yet
    }
  };

  it('loses no event and counts none twice: a restarted consumer finishes the batch exactly', async () => {
    const [owner, a, b, c] = await Promise.all(['owner', 'a', 'b', 'c'].map((h) => createUser(t.url, t.adminKey, `crash-${h}`)));
    const image = await upload(t, owner!);
    // A A A B B B C C C A: the owner hears of all ten; A of the six by B and C after A's first;
    // B of C's three and A's last; C of A's last. 21 updates in one round of the consumer.
    for (const [user, times] of [[a, 3], [b, 3], [c, 3], [a, 1]] as const) {
      for (let i = 0; i < times; i++) await comment(t, user!, image, `${user!.handle} ${i}`);
      await new Promise((r) => setTimeout(r, 5)); // first comments of different milliseconds
    }
    const expected = { owner: [10], a: [6], b: [4], c: [1] };

    const first = await startResizer({ IMGSVC_NOTIFICATION_APPLY_DELAY_MS: '250' });
    // Some recipients' updates are applied, the round is not acknowledged yet: kill it there.
    await eventually(async () => expect((await stored(owner!.id))[0] ?? 0).toBeGreaterThanOrEqual(7), 30_000, 20);
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = { owner: await stored(owner!.id), a: await stored(a!.id), b: await stored(b!.id), c: await stored(c!.id) };
    expect(await pending()).toBe(10);
    expect(atKill).not.toEqual(expected);
    process.stdout.write(`at SIGKILL: ${JSON.stringify(atKill)} applied, 10 events pending\n`);

    await startResizer({});
    await eventually(async () => expect(await pending()).toBe(0), 30_000);
    expect({ owner: await stored(owner!.id), a: await stored(a!.id), b: await stored(b!.id), c: await stored(c!.id) }).toEqual(expected);
    // And as the API shows it: one notification each, the exact count, every comment once.
    const ownerFeed = await feed(t, owner!);
    expect(ownerFeed.items.map((i) => i.count)).toEqual([10]);
    expect(new Set(ownerFeed.items[0]!.latest.map((l) => l.commentId)).size).toBe(10);
    expect((await feed(t, a!)).items.map((i) => i.count)).toEqual([6]);
  }, 120_000);
});
