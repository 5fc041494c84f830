import { readFile } from 'node:fs/promises';
import { api, createUser, type TestUser } from './accounts.js';
import { corpusPath } from './corpus.js';
import { uploadBytes } from './http.js';
import { jpegVariant } from './jpeg-variant.js';
import { startTestService, type Backend, type TestService } from './service.js';

/** The three callers most access tests need, each with a read+write key of their own. */
export interface People {
  /** Uploads the images. */
  owner: TestUser;
  /** Granted all of the owner's private images (`PUT /v1/me/viewers/<id>`). */
  viewer: TestUser;
  /** A signed-in user the owner granted nothing. */
  stranger: TestUser;
}

export interface ServiceWithPeople extends People {
  t: TestService;
  /** Another owner, viewer and stranger on the same service, with fresh handles (for a test that needs people nobody else used). */
  morePeople(): Promise<People>;
  /** A new image of `user`'s (distinct bytes of one small corpus photo each call); throws unless the answer is `201`. */
  upload(user: TestUser, visibility: 'public' | 'private', query?: Record<string, string>): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The whole service (startTestService) with an owner, a viewer and a stranger, and an upload()
 * for them: the preamble the sharing, search and security tests share. Per-key and per-address
 * rate limits are off unless `env` sets them, since these tests make many requests from one address.
 */
export async function startServiceWithPeople(env: Record<string, string> = {}, options: { backend?: Backend; handles?: [string, string, string] } = {}): Promise<ServiceWithPeople> {
  const t = await startTestService({ IMGSVC_RATE_LIMIT_PER_KEY: 'off', IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off', ...env }, options.backend);
  try {
    const photo = await readFile(corpusPath('photos/tower_progressive.jpg'));
    let uploads = 0;
    let trios = 0;
    const makePeople = async ([owner, viewer, stranger]: [string, string, string]): Promise<People> => {
      const people = {
        owner: await createUser(t.url, t.adminKey, owner),
        viewer: await createUser(t.url, t.adminKey, viewer),
        stranger: await createUser(t.url, t.adminKey, stranger),
      };
      const grant = await api(t.url, 'PUT', `/v1/me/viewers/${people.viewer.id}`, people.owner.key);
      if (grant.status !== 200) throw new Error(`granting ${viewer}: ${grant.status} ${JSON.stringify(grant.body)}`);
      return people;
    };
    const first = await makePeople(options.handles ?? ['alice', 'bob', 'carol']);
    return {
      t,
      ...first,
      morePeople: () => {
        trios += 1;
        return makePeople([`alice-${trios}`, `bob-${trios}`, `carol-${trios}`]);
      },
      upload: async (user, visibility, query = {}) => {
        const params = new URLSearchParams({ visibility, ...query });
        const up = await uploadBytes(t.url, jpegVariant(photo, `people-${uploads++}`), 'image/jpeg', user.key, `?${params}`);
        if (up.status !== 201) throw new Error(`upload as ${user.handle}: ${up.status} ${JSON.stringify(up.body)}`);
        return String(up.body.id);
      },
      stop: () => t.stop(),
    };
  } catch (err) {
    await t.stop();
    throw err;
  }
}
