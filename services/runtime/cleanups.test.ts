import { describe, expect, it } from 'vitest';
import { createLogger } from '../core/logger.js';
import { runCleanups, type Cleanup } from './cleanups.js';

describe('runCleanups', () => {
  it('runs every step newest first, cuts one that never finishes after its time, and names it', async () => {
    const ran: string[] = [];
    const cleanups: Cleanup[] = [
      async () => void ran.push('first started'),
      () => new Promise(() => ran.push('hangs')),
      async () => {
        ran.push('fails');
        throw new Error('boom');
      },
    ];
    const started = Date.now();
    const late = await runCleanups(cleanups, createLogger('silent'), 50);
    expect(ran).toEqual(['fails', 'hangs', 'first started']);
    expect(late).toHaveLength(1);
    expect(late[0]).toContain('hangs');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(cleanups).toEqual([]);
  });
});
