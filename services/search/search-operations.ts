import { z } from 'zod';
import { errorResponse } from '../http/openapi/common-schemas.js';
import { defineOperations } from '../http/openapi/operation.js';
import { imageSchema } from '../images/image-schemas.js';
import { tagSchema } from '../images/metadata.js';
import { pageQuery } from '../http/page-params.js';
import { MAX_QUERY_LENGTH, MAX_QUERY_TERMS } from './parse-query.js';

/** `q`'s length and terms are checked by parseQuery (search/parse-query.ts), which gives them their own codes. */
export const searchQuery = z.object({
  q: z.string({ error: 'expected a search query in q, such as ?q=sunset' }).describe(`words of the title, description or tags, all required; the last one a prefix unless q ends in a space (at most ${MAX_QUERY_LENGTH} characters, ${MAX_QUERY_TERMS} terms)`),
  tag: tagSchema.optional().describe('only images with this tag (case and accents folded)'),
  limit: pageQuery.shape.limit,
  owner: z.string().optional().describe('only this user\'s images: a user id or a handle'),
  cursor: z.string().optional().describe('nextCursor of the previous page'),
});

export const searchPageSchema = z.object({
  items: z.array(imageSchema).describe('newest first'),
  nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last'),
  prefixLimited: z.boolean().describe('true when the prefix matched more words than are expanded, so results may be incomplete: type more of it'),
});

export const searchOperations = defineOperations({
  search: {
    method: 'get', path: '/v1/search', operationId: 'searchImages', tags: ['search'], auth: 'optional', scope: 'images:read',
    summary: 'Search titles, descriptions and tags: only what the caller may see, newest first',
    query: searchQuery,
    responses: {
      200: { description: 'One page (empty when `owner` names no user)', json: searchPageSchema },
      400: errorResponse('No or a malformed parameter (`invalid_parameter`), q too long (`query_too_long`), without a letter or digit (`empty_query`) or with too many terms (`too_many_terms`), or a bad cursor (`invalid_cursor`)'),
      403: errorResponse('The key lacks images:read'),
    },
  },
});
