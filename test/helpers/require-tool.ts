import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The path of a program a test needs (an absolute path, or a name looked up on the PATH).
 * When it is missing the test fails with the Debian package to install, rather than with a
 * spawn ENOENT or a launch error that names neither.
 */
export function requireTool(command: string, debianPackage: string, neededFor: string): string {
  const found = command.startsWith('/') ? (existsSync(command) ? command : undefined) : onPath(command);
  if (found) return found;
  throw new Error(
    `${neededFor} needs ${command}, which is not installed: install the Debian/Ubuntu package ${debianPackage} (sudo apt-get install ${debianPackage})`,
  );
}

function onPath(name: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v "$1"', 'sh', name], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}
