import type { ServerResponse } from 'node:http';
import { ACCEPT_CH } from '../core/client-hints.js';

export interface ImageHead {
  etag: string;
  cacheControl: string;
  requestId: string;
  /** Where the bytes came from (X-Imgsvc-Cache): public images only, else undefined. */
  tier: string | undefined;
  /** Joined Vary, or empty. */
  vary: string;
  /** The URL of what is served when it is not the one asked for (a snapped size), else undefined. */
  location?: string | undefined;
}

/**
 * Every header an image response carries (beside Content-Type and Content-Length), with what
 * it says: the writer below and the OpenAPI document both read this one table, so a header
 * added to one is documented, and the test of the writer fails on a header missing here.
 */
export const IMAGE_RESPONSE_HEADERS = {
  ETag: 'strong, per variant',
  'Cache-Control': 'public, immutable for public images; private, or a max-age within the signature for private ones',
  'Accept-CH': 'the Client Hints worth sending',
  'X-Content-Type-Options': 'nosniff',
  'Access-Control-Allow-Origin': '*: any page may draw the image on a canvas',
  'Timing-Allow-Origin': '*: any page may measure the image\'s timing',
  'X-Request-Id': 'the request\'s id, as in the logs',
  'X-Imgsvc-Cache': 'public images: memory, storage or transform',
  Vary: 'the request headers the choice depended on',
  'Content-Location': 'when an unsigned URL\'s size was snapped: the URL of what is served (/i/<id>?w=<rung>…)',
} as const;

type ImageHeaderName = keyof typeof IMAGE_RESPONSE_HEADERS;
const H = (name: ImageHeaderName): ImageHeaderName => name;

const ETAG = H('ETag');
const CACHE_CONTROL = H('Cache-Control');
const REQUEST_ID = H('X-Request-Id');
/** The headers whose value never changes, flattened once. */
const CONSTANT_HEAD: readonly string[] = [H('Accept-CH'), ACCEPT_CH, H('X-Content-Type-Options'), 'nosniff', H('Access-Control-Allow-Origin'), '*', H('Timing-Allow-Origin'), '*'];

/**
 * An image response's head, written as one flat name/value array: node serialises it without
 * building and walking a headers object (a measurable share of a hit from memory). A 304 carries
 * everything but the body's type and length.
 */
export function writeImageHead(res: ServerResponse, head: ImageHead, body: { contentType: string; length: number } | undefined): void {
  const headers: (string | number)[] = [
    ETAG, head.etag,
    CACHE_CONTROL, head.cacheControl,
    ...CONSTANT_HEAD,
    REQUEST_ID, head.requestId,
  ];
  if (head.tier !== undefined) headers.push(H('X-Imgsvc-Cache'), head.tier);
  if (head.vary) headers.push(H('Vary'), head.vary);
  if (head.location !== undefined) headers.push(H('Content-Location'), head.location);
  if (!body) {
    res.writeHead(304, headers);
    return;
  }
  headers.push('Content-Type', body.contentType, 'Content-Length', body.length);
  res.writeHead(200, headers);
}
