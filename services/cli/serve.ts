import type { ConfigFlags } from '../core/config.js';
import { cliConfig } from './cli-config.js';
import { createLogger } from '../core/logger.js';
import { PrivateRedisInUseError, RedisServerMissingError } from '../redis/private-redis.js';
import { startService } from '../runtime/start-service.js';
import type { Bootstrap } from '../accounts/bootstrap.js';
import type { Config } from '../core/config.js';
import { writeRunningService } from './running-service.js';
import { passwordLinkUrl } from '../accounts/password-routes.js';
import { partsFor } from '../runtime/role-parts.js';

/**
 * `imgsvc serve`: start, then on SIGTERM or SIGINT drain and exit 0. A second signal exits at
 * once. Start-up problems are one clear line on stderr and exit code 1.
 */
export async function runServe(flags: ConfigFlags, env: Record<string, string | undefined>): Promise<number> {
  const config = cliConfig(flags, env);
  if (!config) return 1;
  const logger = createLogger(config.logLevel);
  let service;
  try {
    service = await startService(config, {
      // Before the listening line, so whoever waits for it has the key already.
      onBootstrap: (b) => printBootstrap(b, `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`, config),
      logger,
      onFatal: (err) => {
        logger.fatal({ err }, 'cannot go on');
        logger.flush();
        process.stderr.write(`imgsvc: ${err.message}; exiting\n`);
        // Not a drain: without Redis nothing in flight can finish, and waiting only prolongs the 503s.
        process.exit(1);
      },
    });
  } catch (err) {
    const known = err instanceof RedisServerMissingError || err instanceof PrivateRedisInUseError || (err instanceof Error && /cannot reach Redis|EADDRINUSE|EACCES/.test(err.message + String((err as NodeJS.ErrnoException).code)));
    const message = err instanceof Error ? err.message : String(err);
    if (!known) logger.fatal({ err }, 'start-up failed');
    logger.flush();
    process.stderr.write(`imgsvc: ${portHint(err) ?? message}\n`);
    return 1;
  }

  const forgetRunning = writeRunningService(config.dataDir, { url: service.url, redisUrl: service.redisUrl, pid: process.pid });
  printServing(service.url, service.redisUrl, config);

  const stopped = new Promise<void>((resolveStopped) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1) {
        logger.warn({ signal }, 'second signal: exiting without draining');
        process.exit(1);
      }
      logger.info({ signal }, 'draining in-flight requests, then exiting');
      void service.stop().then(resolveStopped, (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        resolveStopped();
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  await stopped;
  forgetRunning();
  logger.flush();
  return 0;
}

/**
 * The plain lines a person reads after the JSON log's listening line: where to go, and the Redis
 * the other commands on this data folder share (`imgsvc users|keys` connect to it).
 */
function printServing(url: string, redisUrl: string, config: Config): void {
  const parts = partsFor(config.role);
  const lines = [`imgsvc: serving ${url} (role ${config.role})`];
  // The banner names what is worth opening in this role: the table says what it serves.
  if (parts.imageApi) lines.push(`  web app:   ${url}/app`);
  if (parts.uploads) lines.push(`  API docs:  ${url}/docs   (OpenAPI: ${url}/openapi.json)`);
  if (parts.publicImages && !parts.uploads) lines.push(`  images:    ${url}/i/<id>   (this role serves images only; uploads go to a process with --role upload or all)`);
  lines.push(`  Redis:     ${redisUrl}${config.redisUrl ? '' : ` (private, files in ${config.dataDir}/redis; imgsvc users|keys use it while this runs)`}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The first start's admin key, shown once on the terminal (never through the logger). */
function printBootstrap(b: Bootstrap, url: string, config: Config): void {
  if (!b.token) return;
  // An upload is shown only where one works.
  const upload = partsFor(config.role).uploads
    ? [
        `It is also in ${b.tokenFile} (readable by you only). Upload with it:`,
        '',
        `    curl -H "Authorization: Bearer $(cat ${b.tokenFile})" -H 'Content-Type: image/jpeg' --data-binary @photo.jpg ${url}/v1/images`,
      ]
    : [`It is also in ${b.tokenFile} (readable by you only). This process has role ${config.role}: upload through a process with --role upload or all.`];
  process.stdout.write(
    [
      '',
      'imgsvc: created the admin user "admin". Its API key, shown only this once:',
      '',
      `    ${b.token}`,
      '',
      ...upload,
      '',
      `Try the API in a browser at ${url}/docs (Authorize with the key).`,
      '',
      ...(b.passwordLinkToken
        ? ['To sign in to the web app as "admin", set a password with this one-time link:', '', `    ${passwordLinkUrl(url, b.passwordLinkToken)}`, '']
        : []),
      '',
    ].join('\n'),
  );
}

function portHint(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const e = err as { port?: number; address?: string };
  if (code === 'EADDRINUSE') return `port ${e.port} on ${e.address} is already in use; pick another with --port or IMGSVC_PORT`;
  if (code === 'EACCES') return `not allowed to listen on port ${e.port}; use a port above 1023 with --port or IMGSVC_PORT`;
  return undefined;
}
