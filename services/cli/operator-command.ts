import { ConfigError } from '../core/config.js';
import { createLogger } from '../core/logger.js';
import { findClusterSource } from '../../operator/cluster-source.js';
import { KubeClient } from '../../operator/kube-client.js';
import { loadOperatorConfig } from '../../operator/operator-config.js';
import { runOperator } from '../../operator/run-operator.js';

/**
 * `imgsvc operator`: reconcile ImageService resources. Credentials come from the pod's service
 * account in a cluster, or KUBECONFIG / ~/.kube/config outside one. SIGTERM releases the lease.
 */
export async function runOperatorCommand(flags: { host?: string; port?: string }, env: Record<string, string | undefined>): Promise<number> {
  let config;
  try {
    config = loadOperatorConfig(env, flags);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`imgsvc operator: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const source = findClusterSource(env);
  if (source.kind === 'none') {
    process.stderr.write(`imgsvc operator: ${source.message}\n`);
    return 1;
  }
  const logger = createLogger(config.logLevel);
  let client: KubeClient;
  try {
    client = KubeClient.fromKubeconfig();
  } catch (err) {
    process.stderr.write(`imgsvc operator: no Kubernetes credentials: ${(err as Error).message}\n`);
    return 1;
  }
  let operator;
  try {
    operator = await runOperator(config, client, logger);
  } catch (err) {
    process.stderr.write(`imgsvc operator: ${(err as Error).message}\n`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'stopping: releasing the lease');
      resolve();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  await operator.stop();
  logger.flush();
  return 0;
}
