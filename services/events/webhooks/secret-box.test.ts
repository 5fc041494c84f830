import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSecretBox, SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));
  it('opens what it sealed, only for the same endpoint and key', () => {
    const sealed = box.seal('whsec_abc', 'E1');
    expect(sealed).not.toContain('abc');
    expect(box.open(sealed, 'E1')).toBe('whsec_abc');
    expect(() => box.open(sealed, 'E2')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'E1')).toThrow();
    const [v, iv, tag, body] = sealed.split('.');
    // A changed first character (never the same one: replacing 'A' by 'A' changed nothing, 1 run in 64).
    const changed = `${body!.startsWith('A') ? 'B' : 'A'}${body!.slice(1)}`;
    expect(() => box.open([v, iv, tag, changed].join('.'), 'E1')).toThrow();
    expect(box.seal('whsec_abc', 'E1')).not.toBe(sealed);
  });

  it('generates its key into the data folder once, owner-readable only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imgsvc-box-'));
    try {
      const a = await loadSecretBox(undefined, dir);
      const b = await loadSecretBox(undefined, dir);
      expect(b.open(a.seal('s', 'E'), 'E')).toBe('s');
      expect((await stat(join(dir, 'webhook-key'))).mode & 0o777).toBe(0o600);
      expect(Buffer.from((await readFile(join(dir, 'webhook-key'), 'utf8')).trim(), 'base64')).toHaveLength(32);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
