import type { Principal } from '../accounts/principal.js';
import type { ViewerGrants } from '../accounts/viewer-grants.js';
import { AppError, notFound } from '../core/errors.js';
import type { ImageRecord } from '../images/image-record.js';
import { loadRecord } from '../images/load-record.js';
import { needsGrant, type ImageAccessFacts } from './decide.js';
import { check } from './permissions.js';

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
    const decision = check('image.manage', principal, { image: record, granted: await this.grantFor(principal, record) });
    if (decision === 'not_found') throw hidden(record.id);
    if (decision === 'forbidden') throw new AppError(403, 'not_owner', 'only the owner of this image or an admin may do this');
    return record;
  }

  /** A deleted image, for its owner or an admin (restore, purge); 404 for anyone else or when not deleted. */
  async trashed(principal: Principal, id: unknown): Promise<ImageRecord> {
    const record = await loadRecord(typeof id === 'string' ? id : undefined, this.lookup);
    if (check('image.trash', principal, { image: record }) !== 'allow') throw hidden(record.id);
    return record;
  }

  /** The record when the caller may see it, else undefined (an unknown, deleted or hidden id alike): for listings of ids. */
  async visible(principal: Principal, id: string): Promise<ImageRecord | undefined> {
    const record = await this.lookup(id);
    return record && (await this.canView(principal, record)) ? record : undefined;
  }

  async canView(principal: Principal, record: ImageRecord, signed = false): Promise<boolean> {
    const granted = signed ? false : await this.grantFor(principal, record);
    return check('image.view', principal, { image: record, granted, signed }) === 'allow';
  }

  /** Whether the image's owner granted the caller their private images, asked of Redis only when the decision depends on it. */
  async grantFor(principal: Principal, image: ImageAccessFacts): Promise<boolean> {
    return needsGrant(principal, image) && principal.kind === 'user' ? this.grants.isGranted(image.ownerId, principal.userId) : false;
  }

  /**
   * Whether a listing of this owner's images shows the caller all of them (the owner, an admin,
   * a granted viewer) or only the public ones.
   */
  async seesAllOf(principal: Principal, ownerId: string): Promise<boolean> {
    if (check('images.list-all', principal, { ownerId, granted: false }) === 'allow') return true;
    if (principal.kind !== 'user') return false;
    return check('images.list-all', principal, { ownerId, granted: await this.grants.isGranted(ownerId, principal.userId) }) === 'allow';
  }
}

export function hidden(id: string): AppError {
  return notFound('image_not_found', `no image with id ${id}`);
}
