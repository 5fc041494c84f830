import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { IMAGE_RESPONSE_HEADERS, writeImageHead } from './image-headers.js';

function written(head: Parameters<typeof writeImageHead>[1], body: Parameters<typeof writeImageHead>[2]) {
  let status = 0;
  let flat: (string | number)[] = [];
  const res = { writeHead: (s: number, h: (string | number)[]) => ((status = s), (flat = h)) } as unknown as ServerResponse;
  writeImageHead(res, head, body);
  const names = flat.filter((_, i) => i % 2 === 0).map(String);
  return { status, names };
}

describe('the image response head', () => {
  const full = { etag: '"e"', cacheControl: 'public', requestId: 'r', tier: 'memory', vary: 'Accept', location: '/i/x?w=640' };

  it('writes exactly the documented headers, plus the body\'s type and length', () => {
    const { status, names } = written(full, { contentType: 'image/avif', length: 10 });
    expect(status).toBe(200);
    expect(names.sort()).toEqual([...Object.keys(IMAGE_RESPONSE_HEADERS), 'Content-Type', 'Content-Length'].sort());
  });

  it('a 304 carries the same head without the body\'s type and length; optional headers only when set', () => {
    expect(written(full, undefined)).toEqual({ status: 304, names: expect.arrayContaining(Object.keys(IMAGE_RESPONSE_HEADERS)) as unknown as string[] });
    const bare = written({ etag: '"e"', cacheControl: 'private', requestId: 'r', tier: undefined, vary: '' }, undefined).names;
    expect(bare).not.toContain('X-Imgsvc-Cache');
    expect(bare).not.toContain('Vary');
    expect(bare).not.toContain('Content-Location');
    expect(bare).not.toContain('Content-Type');
  });
});
