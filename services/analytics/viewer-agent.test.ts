import { describe, expect, it } from 'vitest';
import { keptUserAgent } from './viewer-agent.js';

describe('keptUserAgent', () => {
  it('keeps real User-Agents as they are, and long ones as a short digest that still tells them apart', () => {
    const ua = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36';
    expect(keptUserAgent(ua)).toBe(ua);
    expect(keptUserAgent(undefined)).toBeUndefined();
    const a = keptUserAgent(`a${'x'.repeat(15_000)}`)!;
    const b = keptUserAgent(`b${'x'.repeat(15_000)}`)!;
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
  });
});
