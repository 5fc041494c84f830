import { describe, expect, it } from 'vitest';
import { recipientsOf } from './notification-feed.js';

describe('recipientsOf', () => {
  it.each([
    ['the owner of a first comment', 'O', [], 'A', ['O']],
    ['the owner and earlier commenters, not the author', 'O', ['A', 'B'], 'B', ['O', 'A']],
    ['not the owner commenting on their own image', 'O', ['O', 'A'], 'O', ['A']],
    ['each once', 'O', ['O', 'A', 'A'], 'B', ['O', 'A']],
    ['nobody for an ownerless image but the commenters', '', ['A'], 'B', ['A']],
  ] as [string, string, string[], string, string[]][])('%s', (_name, owner, earlier, author, expected) => {
    expect(recipientsOf(owner, earlier, author)).toEqual(expected);
  });
});
