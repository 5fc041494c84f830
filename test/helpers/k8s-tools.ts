import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { ROOT } from './repo-root.js';

/**
 * kubectl or helm: the copies test/tools/install-k8s-tools.sh puts in .tools/bin (CI always runs
 * it), else one on PATH. Undefined when neither exists: callers say so plainly, and fail under CI.
 */
export function findTool(name: 'kubectl' | 'helm'): string | undefined {
  const local = `${ROOT}.tools/bin/${name}`;
  if (existsSync(local)) return local;
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The message tests print when a tool is missing; under CI a missing tool is an error, not a skip. */
export function missingTool(name: string): string {
  const message = `${name} is not installed: run test/tools/install-k8s-tools.sh (CI does) to run these tests`;
  if (process.env.CI) throw new Error(message);
  console.warn(`SKIPPED: ${message}`);
  return message;
}
