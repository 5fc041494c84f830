import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** One file of the built web app, with its compressed forms made once at load. */
export interface WebFile {
  type: string;
  body: Buffer;
  br?: Buffer;
  gzip?: Buffer;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.webmanifest']);

/** The repository (or package) root: the nearest folder above this module with a package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('no package.json above services/http/web-app');
    dir = up;
  }
  return dir;
}

/** Where `npm run build:web` (run by `npm ci` through `prepare`) writes the app. */
export const WEB_DIST = join(packageRoot(), 'dist', 'web');

/**
 * Every file of the built app by its path under `/app/` (`index.html`, `assets/x.js`), read and
 * compressed once: the whole app is a few hundred KB, so it lives in memory. `undefined` when
 * the app was not built (a checkout without `npm ci`, or an image built with scripts off).
 */
export function loadWebFiles(root = WEB_DIST): Map<string, WebFile> | undefined {
  if (!existsSync(join(root, 'index.html'))) return undefined;
  const files = new Map<string, WebFile>();
  const walk = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        walk(path, `${prefix}${name}/`);
        continue;
      }
      const ext = extname(name);
      const type = TYPES[ext];
      if (!type) continue;
      const body = readFileSync(path);
      const file: WebFile = { type, body };
      if (COMPRESSIBLE.has(ext) && body.length > 512) {
        file.br = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
        file.gzip = gzipSync(body, { level: 9 });
      }
      files.set(`${prefix}${name}`, file);
    }
  };
  walk(root, '');
  return files;
}
