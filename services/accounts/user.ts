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
  disabledAt?: string;
}

export interface PublicUser {
  id: string;
  handle: string;
  displayName: string;
  role: Role;
  createdAt: string;
  defaultVisibility: Visibility;
  allowOriginalDownloads: boolean;
  disabled: boolean;
}

export function publicUser(u: User): PublicUser {
  return {
    id: u.id,
    handle: u.handle,
    displayName: u.displayName,
    role: u.role,
    createdAt: u.createdAt,
    defaultVisibility: u.defaultVisibility,
    allowOriginalDownloads: u.allowOriginalDownloads ?? false,
    disabled: u.disabledAt !== undefined,
  };
}
