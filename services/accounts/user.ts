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
  disabledAt?: string;
}

export interface PublicUser {
  id: string;
  handle: string;
  displayName: string;
  role: Role;
  createdAt: string;
  defaultVisibility: Visibility;
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
    disabled: u.disabledAt !== undefined,
  };
}
