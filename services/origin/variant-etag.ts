import { createHash } from 'node:crypto';
import { OUTPUT_EXT, type OutputFormat } from '../core/variant-spec.js';
import type { ImageRecord } from '../images/image-record.js';

/**
 * A strong ETag per variant bytes. A public image's names its content hash (shared by every
 * copy of those bytes, so caches may reuse it); a private image's is derived from its id too,
 * so it is no fingerprint of the file for whoever holds a signed URL.
 */
export function variantEtag(record: ImageRecord, name: string, format: OutputFormat): string {
  const variant = `${name}.${OUTPUT_EXT[format]}`;
  if (record.visibility === 'public') return `"${record.sha256.slice(0, 16)}-${variant}"`;
  return `"${createHash('sha256').update(`${record.id}\n${record.sha256}`).digest('hex').slice(0, 16)}-${variant}"`;
}
