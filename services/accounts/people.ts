import { z } from 'zod';
import type { AccountStore } from './account-store.js';
import type { User } from './user.js';

/** What anyone signed in may know of another user: enough to find them and to show their name. */
export interface Person {
  id: string;
  handle: string;
  displayName: string;
}

export const personSchema = z.object({ id: z.string(), handle: z.string(), displayName: z.string() }).meta({ id: 'Person' });

export const personOf = (u: User): Person => ({ id: u.id, handle: u.handle, displayName: u.displayName });

/** The people behind some user ids, in one read; a deleted user is absent from the map. */
export async function peopleByIds(accounts: AccountStore, ids: Iterable<string>): Promise<Map<string, Person>> {
  const unique = [...new Set(ids)].filter((id) => id !== '');
  const users = await accounts.getUsers(unique);
  return new Map(users.map((u) => [u.id, personOf(u)]));
}

/** `PUT /v1/me/viewers/<idOrHandle>`: a 26-character ULID is an id, anything else a handle. */
export async function userByIdOrHandle(accounts: AccountStore, idOrHandle: string): Promise<User | undefined> {
  if (/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/.test(idOrHandle)) return accounts.getUser(idOrHandle);
  return accounts.userByHandle(idOrHandle.toLowerCase());
}
