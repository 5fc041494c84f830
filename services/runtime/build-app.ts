import express from 'express';
import { authenticateRequests } from '../access/authenticate-request.js';
import { cors } from '../http/cors.js';
import { errorHandler, notFoundHandler } from '../http/error-handler.js';
import { healthRoutes } from '../http/health-routes.js';
import { docsRoutes } from '../http/openapi/docs-routes.js';
import { requestContext } from '../http/request-context.js';
import { loadWebFiles } from '../http/web-app/web-app-files.js';
import { webAppRoutes } from '../http/web-app/web-app-routes.js';
import { apiDocument } from './api-operations.js';
import { imageViewFor } from './image-view.js';
import type { AppDeps } from './app-deps.js';
import { mountAccountRoutes } from './mount-account-routes.js';
import { mountImageApi } from './mount-image-api.js';
import { mountUploadRoutes } from './mount-upload-routes.js';


/** The Express app for everything but the hot `/i/<id>` path: API, downloads, health, metrics. */
export function buildApp(deps: AppDeps): express.Express {
  const { config, access } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  if (config.trustProxyHops > 0) app.set('trust proxy', config.trustProxyHops);
  app.use(requestContext({ logger: deps.logger, metrics: deps.httpMetrics }));
  app.use(cors(config.corsOrigins));
  app.use(
    healthRoutes({
      redis: deps.redis,
      store: deps.store,
      telemetry: deps.telemetry,
      role: config.role,
      isAccepting: deps.isAccepting,
      ...(deps.roleChecks ? { roleChecks: deps.roleChecks } : {}),
    }),
  );
  // The API description and its page are static and open, like the probes.
  app.use(docsRoutes(apiDocument()));
  // The web app's page and assets hold no data: open like /docs (the API it calls is not).
  app.use(webAppRoutes(loadWebFiles()));
  // Health, readiness, metrics and the docs stay open and unlimited (probes and scrapers carry no key).
  app.use(authenticateRequests({ authenticator: access.authenticator, limits: access.limits, sessions: access.sessions }));
  app.use(express.json({ limit: '64kb', strict: true }));
  if (deps.durability) app.use(deps.durability.writeGate);
  const view = imageViewFor(config, access.signer);
  mountAccountRoutes(app, deps);
  if (deps.parts.uploads) mountUploadRoutes(app, deps, view);
  if (deps.parts.imageApi) mountImageApi(app, deps, view);
  app.use(notFoundHandler());
  app.use(errorHandler());
  return app;
}
