import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.js';
import { MAX_QUERY_LENGTH, matchesTerms, parseQuery } from './parse-query.js';

const code = (q: string | undefined) => {
  try {
    parseQuery(q);
    return 'ok';
  } catch (err) {
    return `${(err as AppError).status} ${(err as AppError).code}`;
  }
};

describe('parseQuery', () => {
  it.each([
    ['sunset', { exact: [], prefix: 'sunset' }],
    ['Café Straße', { exact: ['cafe'], prefix: 'strasse' }],
    ['sunset ', { exact: ['sunset'] }],
    ['red red', { exact: ['red'] }],
    ['beach su', { exact: ['beach'], prefix: 'su' }],
    ['beach, sunset.', { exact: ['beach', 'sunset'] }],
  ])('%j → %j', (q, terms) => {
    expect(parseQuery(q)).toEqual(terms);
  });

  it.each([
    [undefined, '400 invalid_parameter'],
    ['', '400 empty_query'],
    ['?!… —', '400 empty_query'],
    ['x'.repeat(MAX_QUERY_LENGTH + 1), '400 query_too_long'],
    ['x'.repeat(10_240), '400 query_too_long'],
    ['a b c d e f g h i', '400 too_many_terms'],
  ])('refuses %j', (q, expected) => {
    expect(code(q)).toBe(expected);
  });
});

describe('matchesTerms', () => {
  it.each([
    [['red', 'beach'], 'red bea', true],
    [['red', 'beach'], 'red sea', false],
    [['redwood'], 'red ', false],
    [['redwood'], 'red', true],
  ])('%j matches %j: %s', (tokens, q, expected) => {
    expect(matchesTerms(tokens, parseQuery(q))).toBe(expected);
  });
});
