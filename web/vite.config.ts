import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The web app: built into dist/web by `npm run build:web` (run by `npm ci` through `prepare`)
 * and served by the service at /app. No inline script or style ends up in the page (the CSP
 * forbids them), so the module preload polyfill, which Vite would inline, is off.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
  },
});
