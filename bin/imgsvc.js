#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built once by `npm ci` through `prepare`, or by `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/services/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('imgsvc: not built yet; run `npm run build` (or `npm ci`, which builds) first\n');
  process.exit(1);
}
// Ctrl-C while the modules load (a second or more on a busy machine) or in a command without a handler of its own: say so rather than vanish.
// Once a command has its own SIGINT handler (serve drains, upload reports), it is theirs.
process.on('SIGINT', () => {
  if (process.listenerCount('SIGINT') > 1) return;
  process.stderr.write('\nimgsvc: interrupted\n');
  process.exit(130);
});
await import(entry.href);
