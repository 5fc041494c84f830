import { z } from 'zod';
import { errorResponse } from '../openapi/common-schemas.js';
import { defineOperations } from '../openapi/operation.js';

const html = { 200: { description: 'The web app\'s one HTML page (its script routes on the client)', content: { 'text/html': { type: 'string' } }, headers: { 'Content-Security-Policy': "default-src 'self'; no inline script or style; images from self and blob:" } }, 503: errorResponse('The web app was not built (npm run build:web)') };

export const webAppOperations = defineOperations({
  root: {
    method: 'get', path: '/', operationId: 'getRoot', tags: ['web app'], auth: 'none',
    summary: 'Sends a person to the web app',
    responses: { 302: { description: 'Redirect to /app', headers: { Location: '/app' } } },
  },
  app: {
    method: 'get', path: '/app', operationId: 'getWebApp', tags: ['web app'], auth: 'none',
    summary: 'The web app for people: sign in, upload, browse, share, comment',
    responses: html,
  },
  screen: {
    method: 'get', path: '/app/:screen', operationId: 'getWebAppScreen', tags: ['web app'], auth: 'none',
    summary: 'A screen of the web app (the same page; the script shows the screen)',
    params: z.object({ screen: z.string() }),
    responses: html,
  },
  item: {
    method: 'get', path: '/app/:screen/:id', operationId: 'getWebAppItem', tags: ['web app'], auth: 'none',
    summary: 'A screen of the web app about one thing (a photo, an album)',
    params: z.object({ screen: z.string(), id: z.string() }),
    responses: html,
  },
  asset: {
    method: 'get', path: '/app/assets/:file', operationId: 'getWebAppAsset', tags: ['web app'], auth: 'none',
    summary: 'The app\'s scripts and styles (content-hashed names, cached for a year)',
    params: z.object({ file: z.string() }),
    responses: { 200: { description: 'The file', content: { 'text/javascript': { type: 'string' }, 'text/css': { type: 'string' } } }, 404: errorResponse('No such asset') },
  },
});
