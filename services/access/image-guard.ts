import type { Principal } from '../accounts/principal.js';
import type { ViewerGrants } from '../accounts/viewer-grants.js';
import { AppError, notFound } from '../core/errors.js';
import type { ImageRecord } from '../images/image-record.js';
import { loadRecord } from '../images/load-record.js';
import { decideManage, decideTrash, decideView, needsGrant } from './decide.js';

/**
 * The one place routes ask whether a caller may see or change an image. It loads the record,
 * asks for the owner's grant only when the decision depends on it, and turns "may not see"
 * into the very 404 an unknown id gets, so nothing tells the two apart.
 */
export class ImageGuard {
  constructor(
    private readonly lookup: (id: string) => Promise<ImageRecord | undefined>,
    private readonly grants: ViewerGrants,
  ) {}

  async view(principal: Principal, id: unknown): Promise<ImageRecord> {
    const record = await loadRecord(typeof id === 'string' ? id : undefined, this.lookup);
    if (!(await this.canView(principal, record))) throw hidden(record.id);
    return record;
  }

  async manage(principal: Principal, id: unknown): Promise<ImageRecord> {
    const record = await loadRecord(typeof id === 'string' ? id : undefined, this.lookup);
    const granted = needsGrant(principal, record) && principal.kind === 'user' ? await this.grants.isGranted(record.ownerId, principal.userId) : false;
    const decision = decideManage(principal, record, { granted });
    if (decision === 'not_found') throw hidden(record.id);
    if (decision === 'forbidden') throw new AppError(403, 'not_owner', 'only the owner of this image or an admin may do this');
    return record;
  }

  /** A deleted image, for its owner or an admin (restore, purge); 404 for anyone else or when not deleted. */
  async trashed(principal: Principal, id: unknown): Promise<ImageRecord> {
    const record = await loadRecord(typeof id === 'string' ? id : undefined, this.lookup);
    if (decideTrash(principal, record) !== 'allow') throw hidden(record.id);
    return record;
  }

  /** The record when the caller may see it, else undefined (an unknown, deleted or hidden id alike): for listings of ids. */
  async visible(principal: Principal, id: string): Promise<ImageRecord | undefined> {
    const record = await this.lookup(id);
    return record && (await this.canView(principal, record)) ? record : undefined;
  }

  async canView(principal: Principal, record: ImageRecord, signed = false): Promise<boolean> {
    const granted = !signed && needsGrant(principal, record) && principal.kind === 'user' ? await this.grants.isGranted(record.ownerId, principal.userId) : false;
    return decideView(principal, record, { granted, signed }) === 'allow';
  }
}

export function hidden(id: string): AppError {
  return notFound('image_not_found', `no image with id ${id}`);
}
