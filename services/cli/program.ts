import { Command, Option } from 'commander';
import { ROLES } from '../core/config.js';
import { runReindex } from './reindex-command.js';
import { runServe } from './serve.js';
import { runStats } from './stats-command.js';
import { runUpload } from './upload-command.js';
import { runCapacity } from './capacity-command.js';
import { createKeyAction, createUserAction, disableUserAction,
  passwordLinkAction, listKeysAction, listUsersAction, revokeKeyAction, runAccounts } from './accounts-command.js';

/**
 * The `imgsvc` command: every subcommand and option, built without parsing so docs/configuration.md
 * can list them (scripts/config-docs). main.ts parses the process's arguments with it.
 */
export function buildProgram(): Command {
  const program = new Command()
    .name('imgsvc')
    .description('Image platform: uploads, variants, device-optimized serving and analytics')
    .showHelpAfterError();

  program
    .command('serve')
    .description('run the service (every role in one process by default)')
    .addOption(new Option('--role <role>', 'which part to run (env IMGSVC_ROLE)').choices(ROLES))
    .option('--host <host>', 'address to listen on (env IMGSVC_HOST, default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (env IMGSVC_PORT, default 8080)')
    .option('--data <dir>', 'folder for stored images and the private Redis (env IMGSVC_DATA_DIR, default ./data)')
    .action(async (flags: { role?: string; host?: string; port?: string; data?: string }) => {
      process.exitCode = await runServe(flags, process.env);
    });

  program
    .command('reindex')
    .description('rebuild the Redis index from the manifests in storage (after losing Redis)')
    .option('--data <dir>', 'data folder (env IMGSVC_DATA_DIR, default ./data)')
    .option('--reshard', 'rebuild the keyspace with the shard count IMGSVC_REDIS_SHARDS now gives (every process stopped first)')
    .action(async (flags: { data?: string; reshard?: boolean }) => {
      process.exitCode = await runReindex({ data: flags.data }, process.env, { reshard: flags.reshard === true });
    });

  const dataOption = ['--data <dir>', 'data folder (env IMGSVC_DATA_DIR, default ./data)'] as const;
  const users = program.command('users').description('manage users (on the configured Redis and storage)');
  users
    .command('create <handle>')
    .option(...dataOption)
    .option('--display-name <name>', 'shown instead of the handle')
    .addOption(new Option('--role <role>', 'admin or user').choices(['admin', 'user']).default('user'))
    .addOption(new Option('--default-visibility <v>', 'for uploads that do not choose').choices(['public', 'private']).default('public'))
    .action(async (handle: string, o: { data?: string; displayName?: string; role: string; defaultVisibility: string }) => {
      process.exitCode = await runAccounts({ data: o.data }, process.env, createUserAction(handle, { role: o.role, defaultVisibility: o.defaultVisibility, ...(o.displayName ? { displayName: o.displayName } : {}) }));
    });
  users
    .command('list')
    .option(...dataOption)
    .action(async (o: { data?: string }) => {
      process.exitCode = await runAccounts(o, process.env, listUsersAction);
    });
  users
    .command('disable <userId>')
    .option(...dataOption)
    .action(async (userId: string, o: { data?: string }) => {
      process.exitCode = await runAccounts(o, process.env, disableUserAction(userId));
    });
  users
    .command('passwd <handle>')
    .description('print a one-time link that sets the user\'s password (for the web app)')
    .option(...dataOption)
    .option('--url <url>', 'the address people reach the service at (default http://<host>:<port> of the configuration)')
    .action(async (handle: string, o: { data?: string; url?: string }) => {
      process.exitCode = await runAccounts({ data: o.data }, process.env, passwordLinkAction(handle, o.url));
    });
  const keys = program.command('keys').description('manage API keys (on the configured Redis and storage)');
  keys
    .command('create <userId>')
    .option(...dataOption)
    .option('--scopes <list>', 'comma-separated: images:read, images:write, admin', 'images:read,images:write')
    .option('--name <name>', 'a label for listings')
    .option('--expires-in <duration>', 'such as 30d, 12h, 90m')
    .action(async (userId: string, o: { data?: string; scopes?: string; name?: string; expiresIn?: string }) => {
      process.exitCode = await runAccounts({ data: o.data }, process.env, createKeyAction(userId, o));
    });
  keys
    .command('list <userId>')
    .option(...dataOption)
    .action(async (userId: string, o: { data?: string }) => {
      process.exitCode = await runAccounts(o, process.env, listKeysAction(userId));
    });
  keys
    .command('revoke <keyId>')
    .option(...dataOption)
    .action(async (keyId: string, o: { data?: string }) => {
      process.exitCode = await runAccounts(o, process.env, revokeKeyAction(keyId));
    });

  program
    .command('stats')
    .description("print the fleet summary and the top images from a running service's analytics API")
    .option('--url <url>', 'the service (env IMGSVC_URL; default: the service running on the data folder, else http://127.0.0.1:$IMGSVC_PORT or :8080)')
    .addOption(new Option('--window <window>', 'top images over the last').choices(['1h', '24h', '7d']).default('24h'))
    .addOption(new Option('--by <by>', 'rank top images by').choices(['requests', 'bytes']).default('requests'))
    .option('--limit <n>', 'how many top images', '10')
    .option('--key <key>', 'an admin API key (env IMGSVC_API_KEY, default the one in ./data/admin-key)')
    .action(async (flags: { url?: string; key?: string; window?: string; by?: string; limit?: string }) => {
      process.exitCode = await runStats(flags, process.env);
    });

  program
    .command('upload')
    .description('upload images (files, or folders recursively) to a running service; already-stored files are not sent again')
    .argument('<paths...>', 'image files or folders')
    .option('--url <url>', 'the service (env IMGSVC_URL; default: the service running on the data folder, else http://127.0.0.1:$IMGSVC_PORT or :8080)')
    .option('--key <key>', 'an API key with images:write (env IMGSVC_API_KEY, default the one in ./data/admin-key)')
    .option('--concurrency <n>', 'uploads in flight at once', '4')
    .addOption(new Option('--visibility <v>', 'who may see the images (default: your account default)').choices(['public', 'private']))
    .option('--tags <a,b>', 'tags for every image, comma-separated')
    .option('--album <albumId>', 'put every uploaded (or already stored) image into this album of yours')
    .option('--json', 'one JSON line per file even on a terminal (the default when stdout is not one)')
    .option('--resumable-above <size>', 'send files larger than this with resumable (tus) uploads that survive dropped connections', '8MiB')
    .action(async (paths: string[], flags: { url?: string; key?: string; concurrency?: string; visibility?: string; tags?: string; album?: string; json?: boolean; resumableAbove?: string }) => {
      process.exitCode = await runUpload(paths, flags, process.env);
    });

  program
    .command('capacity')
    .description("plan a deployment: cores, pods per role, Redis, storage, egress, monthly cost and the first chokepoint, from this project's measured figures")
    .option('--uploads-per-hour <n>', 'peak uploads per hour (5M, 5,000,000)', '5000000')
    .option('--avg-upload-bytes <n>', 'average upload size (3.4MB, 512KiB; default: the corpus photo mix in the figures)')
    .option('--avg-megapixels <n>', 'average pixels per upload, in millions (default: the photo mix the resizer was measured on)')
    .option('--views-per-image-per-day <n>', 'views per image (default: the figures\' assumption)')
    .option('--device-mix <list>', 'share of views per device class (phone, tablet, desktop, save-data, legacy)', 'phone=0.6,desktop=0.3,tablet=0.1')
    .option('--retention-days <n>', 'how long images are kept', '30')
    .option('--cdn-hit-ratio <r>', 'share of views a CDN answers (default: the figures\' 0.9)')
    .option('--figures <file>', 'measured figures (default: bench/figures.json)')
    .option('--prices <file>', 'unit prices in USD, any subset of the defaults (see docs/cli.md)')
    .option('--json', 'the whole plan as JSON')
    .action(async (flags: Record<string, string | boolean | undefined>) => {
      process.exitCode = await runCapacity(flags);
    });

  program
    .command('operator')
    .description('run the Kubernetes operator that reconciles ImageService resources (see charts/imgsvc-operator)')
    .option('--host <host>', 'address for /healthz, /readyz and /metrics (env IMGSVC_OPERATOR_HOST, default 127.0.0.1)')
    .option('--port <port>', 'port for them (env IMGSVC_OPERATOR_PORT, default 8081)')
    .action(async (flags: { host?: string; port?: string }) => {
      // Loaded on demand: the service roles never pay for the Kubernetes client.
      const { runOperatorCommand } = await import('./operator-command.js');
      process.exitCode = await runOperatorCommand(flags, process.env);
    });

  return program;
}
