import type { Role } from '../core/config.js';

/**
 * Which parts of the service one process runs. The one place a role is turned into parts:
 * the app, the background work, the `/i/` path and the `serve` banner all read this table.
 */
export interface RoleParts {
  /** `POST /v1/images` and resumable (tus) uploads. */
  readonly uploads: boolean;
  /** The API over stored images: trash, metadata, comments, notifications, favorites, albums, search, webhooks, analytics, downloads. */
  readonly imageApi: boolean;
  /** The hot `/i/<id>` path. */
  readonly publicImages: boolean;
  /** Background work: resize jobs, cold-record eviction, erase sweeps, the notification feed, webhook delivery. */
  readonly background: boolean;
}

// Accounts, sessions, events, health, metrics, docs and the web app's files run in every role.
export const ROLE_PARTS: Readonly<Record<Role, RoleParts>> = {
  all: { uploads: true, imageApi: true, publicImages: true, background: true },
  upload: { uploads: true, imageApi: true, publicImages: false, background: false },
  resizer: { uploads: false, imageApi: false, publicImages: false, background: true },
  origin: { uploads: false, imageApi: true, publicImages: true, background: false },
};

export function partsFor(role: Role): RoleParts {
  return ROLE_PARTS[role];
}
