import { accountOperations } from '../accounts/account-operations.js';
import { viewerOperations } from '../accounts/viewer-operations.js';
import { variantSizeOperations } from '../accounts/variant-size-operations.js';
import { sessionOperations } from '../accounts/session-operations.js';
import { tusOperations } from '../upload/resumable/tus-operations.js';
import { analyticsOperations } from '../analytics/analytics-operations.js';
import { eventOperations } from '../events/event-operations.js';
import { deliveryOperations } from '../events/webhooks/delivery-operations.js';
import { webhookOperations } from '../events/webhooks/webhook-operations.js';
import { healthOperations } from '../http/health-operations.js';
import { buildDocument } from '../http/openapi/build-document.js';
import { docsOperations } from '../http/openapi/docs-operations.js';
import { webAppOperations } from '../http/web-app/web-app-operations.js';
import type { ApiOperation } from '../http/openapi/operation.js';
import { imageOperations } from '../images/image-operations.js';
import { downloadOperations } from '../origin/download-operations.js';
import { publicImageOperations } from '../origin/public-image-operations.js';
import { searchOperations } from '../search/search-operations.js';
import { albumOperations } from '../sharing/album-operations.js';
import { commentOperations } from '../sharing/comment-operations.js';
import { favoriteOperations } from '../sharing/favorite-operations.js';
import { lifecycleOperations } from '../sharing/lifecycle-operations.js';
import { notificationOperations } from '../sharing/notification-operations.js';
import { uploadOperations } from '../upload/upload-operations.js';

/**
 * Every HTTP operation, the one list the OpenAPI document is built from. A new route module
 * gets an `<x>-operations.ts` beside it and one line here; test/e2e/openapi.test.ts fails
 * while a served route is missing from this list, or a listed one is not served.
 */
const GROUPS: Record<string, ApiOperation>[] = [
  uploadOperations,
  tusOperations,
  imageOperations,
  lifecycleOperations,
  downloadOperations,
  publicImageOperations,
  favoriteOperations,
  albumOperations,
  commentOperations,
  notificationOperations,
  searchOperations,
  eventOperations,
  webhookOperations,
  deliveryOperations,
  analyticsOperations,
  accountOperations,
  viewerOperations,
  variantSizeOperations,
  sessionOperations,
  healthOperations,
  docsOperations,
  webAppOperations,
];

export const API_OPERATIONS: readonly ApiOperation[] = GROUPS.flatMap((g) => Object.values(g));

let built: Record<string, unknown> | undefined;

/** The OpenAPI 3.1 document, built on first use (at start-up) and then shared. */
export function apiDocument(version = '0.1.0'): Record<string, unknown> {
  built ??= buildDocument(API_OPERATIONS, {
    title: 'imgsvc',
    version,
    description:
      'Image service: streaming uploads with dedup, async variants, device-optimized serving at /i/<id>, sharing (albums, favorites, viewers, comments and notifications), search, an event stream with webhooks, and analytics. Errors are always the `Error` body with the HTTP status; a caller who may not see an image gets the same 404 as for an unknown id.',
  });
  return built;
}
