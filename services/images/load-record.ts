import { badRequest, notFound, unavailable } from '../core/errors.js';
import { isImageId } from '../core/ids.js';
import type { ImageRecord } from './image-record.js';

/** Validates an id from a URL and finds its record: 400 for a malformed id, 404 for an unknown one. */
export async function loadRecord(
  id: string | undefined,
  lookup: (id: string) => Promise<ImageRecord | undefined>,
): Promise<ImageRecord> {
  if (!id || !isImageId(id)) {
    throw badRequest('invalid_id', `expected a 26-character image id for id but received ${JSON.stringify(id ?? '')}`);
  }
  let record: ImageRecord | undefined;
  try {
    record = await lookup(id);
  } catch (err) {
    throw unavailable('index_unavailable', 'the image index is unavailable; retry shortly', { cause: err });
  }
  if (!record) throw notFound('image_not_found', `no image with id ${id}`);
  return record;
}
