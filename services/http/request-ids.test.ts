import { describe, expect, it } from 'vitest';
import { nextRequestId, requestIdOf } from './request-ids.js';

describe('nextRequestId', () => {
  it('is UUID-shaped and never repeats within a process', () => {
    const ids = Array.from({ length: 10_000 }, () => nextRequestId());
    for (const id of ids.slice(0, 10)) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('requestIdOf', () => {
  it("keeps a sane caller's id and replaces anything else", () => {
    expect(requestIdOf('trace-1.2:3')).toBe('trace-1.2:3');
    for (const bad of [undefined, '', 'a b', 'x'.repeat(129), '<script>', ['a', 'b']]) {
      expect(requestIdOf(bad)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });
});
