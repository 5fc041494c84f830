export type Role = 'admin' | 'user';
export type Visibility = 'public' | 'private';

export interface User {
  id: string;
  handle: string;
  displayName: string;
  role: Role;
  createdAt: string;
  /** Applies to uploads that do not choose; `public` keeps `<img src>` working by default. */
  defaultVisibility: Visibility;
  /** Whether others who may see this user's images may download their originals (per image overrides). */
  allowOriginalDownloads?: boolean;
  /** Whether the GPS position in this user's photos' EXIF is kept (`location`); off unless they turn it on. */
  shareLocation?: boolean;
  /**
   * Sizes anyone may ask of this user's images exactly (`300`, `640x480`, `x200`), besides the
   * operator's; other explicit sizes from unsigned URLs snap to the width ladder.
   */
  variantSizes?: string[];
  disabledAt?: string;
}

/**
 * A user as the API shows them: derived from User, so a field added there is either shown here
 * or left out on purpose (variant sizes have their own route; `disabledAt` shows as `disabled`).
 */
export type PublicUser = Omit<Required<User>, 'variantSizes' | 'disabledAt'> & { disabled: boolean };

export function publicUser(u: User): PublicUser {
  return {
    id: u.id,
    handle: u.handle,
    displayName: u.displayName,
    role: u.role,
    createdAt: u.createdAt,
    defaultVisibility: u.defaultVisibility,
    allowOriginalDownloads: u.allowOriginalDownloads ?? false,
    shareLocation: u.shareLocation ?? false,
    disabled: u.disabledAt !== undefined,
  };
}
