import { Router, type Request, type Response } from 'express';
import { AppError, notFound } from '../../core/errors.js';
import { openRoute } from '../openapi/register-route.js';
import { webAppOperations as ops } from './web-app-operations.js';
import type { WebFile } from './web-app-files.js';
import { pickEncoding, WEB_APP_HEADERS } from './web-app-headers.js';

/** Asset names Vite writes: content-hashed, so they are cached for a year. */
const ASSET_RE = /^[A-Za-z0-9_.-]{1,128}$/;

function send(req: Request, res: Response, file: WebFile, cacheControl: string): void {
  for (const [name, value] of Object.entries(WEB_APP_HEADERS)) res.setHeader(name, value);
  res.setHeader('Cache-Control', cacheControl);
  res.setHeader('Content-Type', file.type);
  if (file.br || file.gzip) res.setHeader('Vary', 'Accept-Encoding');
  const encoding = pickEncoding(req.headers['accept-encoding'], file);
  const body = encoding ? file[encoding]! : file.body;
  if (encoding) res.setHeader('Content-Encoding', encoding);
  res.setHeader('Content-Length', body.length);
  res.status(200).end(req.method === 'HEAD' ? undefined : body);
}

/**
 * The web app for people (`web/`, built by Vite at `npm ci`): `GET /` sends a person to it,
 * `/app` and its screens (`/app/<screen>`, `/app/<screen>/<id>`) get the one HTML page, whose
 * script routes on the client; `/app/assets/<file>` the hashed scripts and styles. Open to
 * everyone like `/docs`: the page holds no data, every call it makes is authorised by the API.
 * `files` is `loadWebFiles()` (undefined when the app was not built: `/app` then says so).
 */
export function webAppRoutes(files: Map<string, WebFile> | undefined): Router {
  const router = Router();
  const page = ({ req, res }: { req: Request; res: Response }) => {
    const index = files?.get('index.html');
    if (!index) throw new AppError(503, 'web_app_not_built', 'the web app was not built: run npm run build:web (npm ci does it)');
    // The page names the current asset hashes: revalidate it so a deploy is seen at once.
    send(req, res, index, 'no-cache');
  };
  openRoute(router, ops.root, ({ res }) => {
    res.redirect(302, '/app');
  });
  openRoute(router, ops.asset, ({ req, res, params }) => {
    const name = params.file;
    const file = ASSET_RE.test(name) ? files?.get(`assets/${name}`) : undefined;
    if (!file) throw notFound('not_found', `no web app asset ${JSON.stringify(name)}`);
    send(req, res, file, 'public, max-age=31536000, immutable');
  });
  openRoute(router, ops.app, page);
  openRoute(router, ops.screen, page);
  openRoute(router, ops.item, page);
  return router;
}
