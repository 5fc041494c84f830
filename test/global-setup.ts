import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Tests that spawn `bin/imgsvc.js` need dist/ to match the sources; tsc is incremental, so this is quick when nothing changed. */
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  // As `npm run build` does: tsc does not copy the Lua scripts the built service reads.
  cpSync(`${root}services/redis/scripts`, `${root}dist/services/redis/scripts`, { recursive: true });
}
