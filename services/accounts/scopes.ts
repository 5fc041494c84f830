/** What an API key may do. `admin` implies every other scope. */
export const SCOPES = ['images:read', 'images:write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

export function hasScope(granted: readonly Scope[], wanted: Scope): boolean {
  return granted.includes(wanted) || granted.includes('admin');
}

/** A key may only mint keys whose every scope it holds itself (admin holds them all). */
export function isSubsetOf(requested: readonly Scope[], granted: readonly Scope[]): boolean {
  return requested.every((s) => hasScope(granted, s));
}

/** The scopes a user's role allows a key of theirs to carry. */
export function scopesForRole(role: 'admin' | 'user'): Scope[] {
  return role === 'admin' ? [...SCOPES] : ['images:read', 'images:write'];
}
