import type express from 'express';

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/**
 * Every `METHOD /path` an Express app serves, read from its router: the access-matrix test
 * compares this list with its rows, so a route added without its row fails a test.
 */
export function listRoutes(app: express.Express): string[] {
  const out = new Set<string>();
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const method of Object.keys(layer.route.methods)) for (const path of paths) out.add(`${method.toUpperCase()} ${path}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  // Express 5 exposes its root router as `app.router`.
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return [...out].sort();
}
