import { describe, expect, it } from 'vitest';
import { ROLES } from '../core/config.js';
import { ROLE_PARTS, partsFor } from './role-parts.js';

describe('role parts', () => {
  it('has a row for every role, and `all` runs every part some role runs', () => {
    expect(Object.keys(ROLE_PARTS).sort()).toEqual([...ROLES].sort());
    for (const part of Object.keys(ROLE_PARTS.all) as (keyof typeof ROLE_PARTS.all)[]) {
      expect(partsFor('all')[part]).toBe(ROLES.some((role) => role !== 'all' && ROLE_PARTS[role][part]));
    }
  });

  it.each([
    ['upload', { uploads: true, imageApi: true, publicImages: false, background: false }],
    ['resizer', { uploads: false, imageApi: false, publicImages: false, background: true }],
    ['origin', { uploads: false, imageApi: true, publicImages: true, background: false }],
  ] as const)('%s runs %o', (role, parts) => {
    expect(partsFor(role)).toEqual(parts);
  });
});
