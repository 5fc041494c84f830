import { describe, expect, it } from 'vitest';
import { commentBodySchema } from './comment-body.js';

describe('comment bodies', () => {
  const ok = (input: string) => commentBodySchema.parse(input);
  const refused = (input: unknown) => commentBodySchema.safeParse(input).success === false;

  it.each([
    ['  hello  ', 'hello'],
    ['line one\nline two\tand a tab', 'line one\nline two\tand a tab'],
    ['<script>alert(1)</script>', '<script>alert(1)</script>'],
    ['😀'.repeat(2000), '😀'.repeat(2000)],
    ['x'.repeat(2000), 'x'.repeat(2000)],
    ['\n\t padded \t\n', 'padded'],
  ])('keeps %j as %j', (input, expected) => expect(ok(input)).toBe(expected));

  it.each([
    ['', 'empty'],
    [' \n\t  ', 'whitespace only'],
    ['x'.repeat(2001), 'over the limit'],
    ['😀'.repeat(2001), 'over the limit in code points'],
    ['a\u0000b', 'NUL'],
    ['a\rb', 'carriage return'],
    ['a\u001bb', 'escape'],
    ['a\u007fb', 'DEL'],
    ['a\u0085b', 'C1 control'],
  ])('refuses %j (%s)', (input) => expect(refused(input)).toBe(true));

  it('refuses a non-string', () => {
    expect(refused(42)).toBe(true);
    expect(refused(null)).toBe(true);
  });
});
