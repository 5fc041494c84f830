import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where the pod's service account token sits in a cluster (the client library's own path). */
export const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export type ClusterSource = { kind: 'kubeconfig'; path: string } | { kind: 'in-cluster' } | { kind: 'none'; message: string };

/**
 * Which cluster credentials `KubeConfig.loadFromDefault` would find, in its order: KUBECONFIG,
 * ~/.kube/config, then the pod's service account. With none of them it silently falls back to
 * `http://localhost:8080`, which fails every request with a TLS message, retried forever; the
 * operator asks this first and says plainly that no cluster is configured instead.
 */
export function findClusterSource(env: Record<string, string | undefined>, exists: (path: string) => boolean = existsSync): ClusterSource {
  const kubeconfig = env.KUBECONFIG?.split(':').find((p) => p !== '');
  if (kubeconfig) return { kind: 'kubeconfig', path: kubeconfig };
  if (env.HOME) {
    const home = join(env.HOME, '.kube', 'config');
    if (exists(home)) return { kind: 'kubeconfig', path: home };
  }
  if (exists(SERVICE_ACCOUNT_TOKEN)) return { kind: 'in-cluster' };
  return {
    kind: 'none',
    message:
      'no Kubernetes cluster is configured: set KUBECONFIG to a kubeconfig file (or create ~/.kube/config), ' +
      `or run the operator in a pod, where it uses the service account's in-cluster credentials (${SERVICE_ACCOUNT_TOKEN})`,
  };
}
