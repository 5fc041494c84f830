import { describe, expect, it } from 'vitest';
import { deadConsumers } from './dead-consumers.js';

const c = (name: string, idleMs: number, pending = 1) => ({ name, idleMs, pending });

describe('deadConsumers', () => {
  it.each([
    { why: 'no heartbeat and silent past the TTL', consumer: c('a', 6_000), alive: [], dead: true },
    { why: 'a live heartbeat, however long its job runs', consumer: c('a', 600_000), alive: ['a'], dead: false },
    { why: 'no heartbeat but still reading (an older resizer)', consumer: c('a', 1_000), alive: [], dead: false },
    { why: 'itself', consumer: c('me', 600_000), alive: [], dead: false },
  ])('$why → dead: $dead', ({ consumer, alive, dead }) => {
    expect(deadConsumers([consumer], new Set(alive), 'me', 5_000).length === 1).toBe(dead);
  });
});
