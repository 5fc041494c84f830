import { hostname } from 'node:os';
import { z } from 'zod';
import { ConfigError, parseSettings } from '../services/core/config.js';

/** The operator's settings, from the environment (the Helm chart sets them); every problem listed at once. */
export const SETTINGS = {
  watchNamespace: { env: 'IMGSVC_OPERATOR_WATCH_NAMESPACE', flag: undefined, schema: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected a namespace name').optional() },
  leaseNamespace: { env: 'POD_NAMESPACE', flag: undefined, schema: z.string().min(1).default('default') },
  identity: { env: 'POD_NAME', flag: undefined, schema: z.string().min(1).default(() => `${hostname()}-${process.pid}`) },
  leaseName: { env: 'IMGSVC_OPERATOR_LEASE_NAME', flag: undefined, schema: z.string().min(1).default('imgsvc-operator') },
  leaseDurationSeconds: { env: 'IMGSVC_OPERATOR_LEASE_DURATION_SECONDS', flag: undefined, schema: z.coerce.number().min(1).max(300).default(15) },
  renewDeadlineSeconds: { env: 'IMGSVC_OPERATOR_RENEW_DEADLINE_SECONDS', flag: undefined, schema: z.coerce.number().min(0.5).max(300).default(10) },
  retryPeriodSeconds: { env: 'IMGSVC_OPERATOR_RETRY_PERIOD_SECONDS', flag: undefined, schema: z.coerce.number().min(0.1).max(60).default(2) },
  host: { env: 'IMGSVC_OPERATOR_HOST', flag: '--host', schema: z.string().min(1).default('127.0.0.1') },
  port: { env: 'IMGSVC_OPERATOR_PORT', flag: '--port', schema: z.coerce.number().int().min(0).max(65535).default(8081) },
  concurrency: { env: 'IMGSVC_OPERATOR_CONCURRENCY', flag: undefined, schema: z.coerce.number().int().min(1).max(64).default(4) },
  resyncSeconds: { env: 'IMGSVC_OPERATOR_RESYNC_SECONDS', flag: undefined, schema: z.coerce.number().min(1).max(86_400).default(300) },
  logLevel: { env: 'IMGSVC_LOG_LEVEL', flag: undefined, schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') },
} as const;

export type OperatorConfig = ReturnType<typeof parseSettings<typeof SETTINGS>>['values'];

export function loadOperatorConfig(env: Record<string, string | undefined>, flags: { host?: string; port?: string } = {}): OperatorConfig {
  const { values, problems } = parseSettings(SETTINGS, env, (key) => (key === 'host' ? flags.host : key === 'port' ? flags.port : undefined));
  if (problems.length === 0 && values.renewDeadlineSeconds >= values.leaseDurationSeconds) {
    problems.push('IMGSVC_OPERATOR_RENEW_DEADLINE_SECONDS: must be below IMGSVC_OPERATOR_LEASE_DURATION_SECONDS, or two leaders could overlap');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return values;
}
