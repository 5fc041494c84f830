import { existsSync } from 'node:fs';

import { ROOT } from './repo-root.js';
import { requireTool } from './require-tool.js';

/**
 * kubectl or helm: the copies test/tools/install-k8s-tools.sh puts in .tools/bin (`npm test` runs
 * it first), else one on the PATH. Missing, the test fails saying how to install it: the one
 * policy for a missing tool (require-tool.ts), never a skip that CI would not notice.
 */
export function requireK8sTool(name: 'kubectl' | 'helm'): string {
  const local = `${ROOT}.tools/bin/${name}`;
  if (existsSync(local)) return local;
  try {
    return requireTool(name, 'unzip', 'the Kubernetes tests');
  } catch {
    throw new Error(
      `the Kubernetes tests need ${name}, which is not installed: run test/tools/install-k8s-tools.sh (npm test runs it first; it needs the Debian/Ubuntu package unzip, or python3)`,
    );
  }
}
