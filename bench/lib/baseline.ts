import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Another commit of this repository, built in a worktree beside the run, so a benchmark can
 * measure "today's figure" in the same run as the change (same machine, same minute). The
 * worktree borrows this checkout's node_modules; returns the path of its `bin/imgsvc.js`.
 */
export function buildBaseline(root: string, ref: string, into: string): string {
  execFileSync('git', ['-C', root, 'worktree', 'add', '--detach', '--force', into, ref], { stdio: 'ignore' });
  if (!existsSync(join(into, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(into, 'node_modules'));
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: into, stdio: 'inherit' });
  // As `npm run build` does: the Lua scripts are read from dist/ at run time, and tsc does not copy them.
  const scripts = join(into, 'services/redis/scripts');
  if (existsSync(scripts)) cpSync(scripts, join(into, 'dist/services/redis/scripts'), { recursive: true });
  return join(into, 'bin/imgsvc.js');
}

export function removeBaseline(root: string, dir: string): void {
  try {
    execFileSync('git', ['-C', root, 'worktree', 'remove', '--force', dir], { stdio: 'ignore' });
  } catch {
    // already gone
  }
}
