import { ObjectNotFoundError, type ObjectStore } from './object-store.js';

/** A small JSON object from storage (an account, album, comment or marker), or undefined when it is not there. */
export async function readJsonObject<T>(store: ObjectStore, key: string): Promise<T | undefined> {
  try {
    return JSON.parse((await store.getBuffer(key)).toString('utf8')) as T;
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return undefined;
    throw err;
  }
}
