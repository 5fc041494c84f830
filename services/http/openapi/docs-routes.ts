import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Router } from 'express';
import { notFound } from '../../core/errors.js';
import { DIST_FILES } from './docs-assets.js';
import { docsOperations as ops } from './docs-operations.js';
import { openRoute } from './register-route.js';

/** Our own start script: the page needs no inline script, and the document comes from this server. */
const INIT_JS = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: 'openapi.json', dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null, presets: [SwaggerUIBundle.presets.apis] });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>imgsvc API</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="docs/swagger-ui-bundle.js"></script>
  <script src="docs/init.js"></script>
</body>
</html>
`;

function distDir(): string {
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

/** `GET /openapi.json` and the human-readable page at `GET /docs` (Swagger UI). */
export function docsRoutes(document: Record<string, unknown>): Router {
  const router = Router();
  const json = JSON.stringify(document);
  const assets = new Map<string, { type: string; body: Buffer }>();
  assets.set('init.js', { type: 'text/javascript; charset=utf-8', body: Buffer.from(INIT_JS) });
  const asset = (name: string) => {
    const known = assets.get(name);
    if (known || !Object.hasOwn(DIST_FILES, name)) return known;
    // Read on first use and kept: the bundle is about 1.5 MB and most processes never serve it.
    const loaded = { type: DIST_FILES[name]!, body: readFileSync(join(distDir(), name)) };
    assets.set(name, loaded);
    return loaded;
  };

  openRoute(router, ops.openapi, ({ res }) => {
    res.setHeader('Cache-Control', 'public, max-age=300').type('application/json').send(json);
  });
  openRoute(router, ops.page, ({ res }) => {
    res.setHeader('Cache-Control', 'public, max-age=300').type('text/html; charset=utf-8').send(PAGE);
  });
  // By hand from its operation: the document lists the assets as an enum, but an unknown one is a
  // missing file (404), not a malformed request (route() would answer 400).
  router[ops.asset.method](ops.asset.path, (req, res) => {
    const found = asset(String(req.params.asset));
    if (!found) throw notFound('not_found', `no documentation asset ${JSON.stringify(req.params.asset)}`);
    res.setHeader('Cache-Control', 'public, max-age=86400').setHeader('X-Content-Type-Options', 'nosniff').type(found.type).send(found.body);
  });
  return router;
}
