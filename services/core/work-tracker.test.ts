import { describe, expect, it } from 'vitest';
import { WorkTracker } from './work-tracker.js';

describe('WorkTracker', () => {
  it('is idle at once with nothing running', async () => {
    expect(await new WorkTracker().idle(10)).toBe(true);
  });

  it('waits for running work, including work that fails', async () => {
    const tracker = new WorkTracker();
    let release!: () => void;
    const running = tracker.track(() => new Promise<void>((r) => (release = r)));
    const failing = tracker.track(() => Promise.reject(new Error('boom'))).catch(() => 'failed');
    expect(tracker.size).toBe(2);
    const idle = tracker.idle(1_000);
    expect(await failing).toBe('failed');
    release();
    await running;
    expect(await idle).toBe(true);
  });

  it('gives up after the timeout', async () => {
    const tracker = new WorkTracker();
    void tracker.track(() => new Promise(() => undefined));
    expect(await tracker.idle(20)).toBe(false);
  });
});
