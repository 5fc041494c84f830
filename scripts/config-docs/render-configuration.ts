import type { Command } from 'commander';
import type { z } from 'zod';
import { CONFIG_KEY_ENV } from '../../cdk8s/config-map.js';
import { imageServiceSpec } from '../../cdk8s/image-service-spec.js';
import { SETTINGS as OPERATOR_SETTINGS } from '../../operator/operator-config.js';
import { buildProgram } from '../../services/cli/program.js';
import { SETTINGS as SERVICE_SETTINGS, type Setting } from '../../services/core/config.js';
import { CLIENT_SETTINGS } from '../../services/cli/client-settings.js';
import { CLIENT_NOTES, OPERATOR_NOTES, SERVICE_NOTES, type SettingNote } from './setting-notes.js';

/**
 * docs/configuration.md, made from the settings tables (the service's, the operator's), the
 * `imgsvc` command's options and the ImageService's `spec.config` keys. Pure: `npm run
 * docs:config` writes it, test/docs/configuration-doc.test.ts fails when the file differs.
 */
export function renderConfiguration(): string {
  return [
    HEADER,
    ...SERVICE_NOTES.flatMap((section) => [
      `### ${section.title}`,
      '',
      ...(section.guide ? [`More in [${section.guide.replace(/#.*/, '')}](${section.guide}).`, ''] : []),
      '| Variable | Flag | Default | Meaning |',
      '|---|---|---|---|',
      ...Object.entries(section.notes).map(([env, note]) => {
        const setting = settingByEnv(SERVICE_SETTINGS, env);
        return `| \`${env}\` | ${setting?.flag ? `\`${setting.flag}\`` : ''} | ${shownDefault(setting, note)} | ${note.text} |`;
      }),
      '',
    ]),
    OPERATOR_HEADER,
    '| Variable | Flag | Default | Meaning |',
    '|---|---|---|---|',
    ...Object.entries(OPERATOR_NOTES).map(([env, note]) => {
      const setting = settingByEnv(OPERATOR_SETTINGS, env);
      return `| \`${env}\` | ${setting?.flag ? `\`${setting.flag}\`` : ''} | ${shownDefault(setting, note)} | ${note.text} |`;
    }),
    '',
    CRD_HEADER,
    '| `spec.config` key | Type | Default | Sets | Meaning |',
    '|---|---|---|---|---|',
    ...crdConfigRows(),
    '',
    CLI_HEADER,
    '| Variable | Flag | Default | Meaning |',
    '|---|---|---|---|',
    ...Object.entries(CLIENT_NOTES).map(([env, note]) => {
      const setting = settingByEnv(CLIENT_SETTINGS, env);
      return `| \`${env}\` | ${setting?.flag ? `\`${setting.flag}\`` : ''} | ${shownDefault(setting, note)} | ${note.text} |`;
    }),
    '',
    ...commandSections(buildProgram(), 'imgsvc'),
  ].join('\n');
}

/** Every env var the settings tables declare, and where a note is missing or stale: what the test checks. */
export function noteProblems(): string[] {
  const problems: string[] = [];
  const noted = SERVICE_NOTES.flatMap((s) => Object.keys(s.notes));
  const declared: string[] = Object.values(SERVICE_SETTINGS).map((s) => s.env);
  for (const env of declared) if (!noted.includes(env)) problems.push(`${env}: a service setting without a note in scripts/config-docs/setting-notes.ts`);
  for (const env of noted) if (!declared.includes(env)) problems.push(`${env}: a note for no service setting`);
  if (new Set(noted).size !== noted.length) problems.push('a service setting has two notes');
  const operatorDeclared: string[] = Object.values(OPERATOR_SETTINGS).map((s) => s.env);
  for (const env of operatorDeclared) if (!(env in OPERATOR_NOTES)) problems.push(`${env}: an operator setting without a note`);
  for (const env of Object.keys(OPERATOR_NOTES)) if (!operatorDeclared.includes(env)) problems.push(`${env}: a note for no operator setting`);
  // The client table's own settings (it shares IMGSVC_DATA_DIR and IMGSVC_PORT with the service's).
  const clientOwn: string[] = Object.values(CLIENT_SETTINGS).map((s) => s.env).filter((env) => !declared.includes(env));
  for (const env of clientOwn) if (!(env in CLIENT_NOTES)) problems.push(`${env}: a client setting without a note`);
  for (const env of Object.keys(CLIENT_NOTES)) if (!clientOwn.includes(env)) problems.push(`${env}: a note for no client setting`);
  // A default written the way people write it must still be the table's default.
  const check = (settings: Record<string, Setting>, env: string, note: SettingNote) => {
    const setting = settingByEnv(settings, env);
    if (!setting || note.shown === undefined) return;
    const shown = setting.schema.safeParse(note.shown);
    const actual = setting.schema.safeParse(undefined);
    if (!shown.success || JSON.stringify(shown.data) !== JSON.stringify(actual.data)) {
      problems.push(`${env}: the note shows the default ${note.shown}, the table's is ${JSON.stringify(actual.data)}`);
    }
  };
  for (const section of SERVICE_NOTES) for (const [env, note] of Object.entries(section.notes)) check(SERVICE_SETTINGS, env, note);
  for (const [env, note] of Object.entries(OPERATOR_NOTES)) check(OPERATOR_SETTINGS, env, note);
  return problems;
}

/** The `spec.config` keys the CRD schema declares, in its order. */
export function crdConfigKeys(): string[] {
  return Object.keys(configShape());
}

function settingByEnv(settings: Record<string, Setting>, env: string): Setting | undefined {
  return Object.values(settings).find((s) => s.env === env);
}

function shownDefault(setting: Setting | undefined, note: SettingNote): string {
  if (note.computed) return note.computed;
  if (note.shown !== undefined) return `\`${note.shown}\``;
  return formatDefault(setting ? defaultOf(setting.schema) : undefined);
}

function formatDefault(value: unknown): string {
  if (value === undefined || value === '') return 'unset';
  return `\`${String(value)}\``;
}

/** A schema's default before any transform (`'1h'`, not 3600000), read from zod's own definition. */
function defaultOf(schema: z.ZodType): unknown {
  // zod 4 keeps each wrapper's definition on `_zod.def`; no public accessor gives the input default.
  const def = (schema as unknown as { _zod: { def: { type: string; defaultValue?: unknown; in?: z.ZodType; innerType?: z.ZodType } } })._zod.def;
  if (def.type === 'default' || def.type === 'prefault') return typeof def.defaultValue === 'function' ? undefined : def.defaultValue;
  if (def.type === 'pipe' && def.in) return defaultOf(def.in);
  return undefined;
}

function typeOf(schema: z.ZodType): string {
  const def = (schema as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; entries?: Record<string, string> } } })._zod.def;
  if ((def.type === 'optional' || def.type === 'default') && def.innerType) return typeOf(def.innerType);
  if (def.type === 'enum' && def.entries) return Object.values(def.entries).map((v) => `\`${v}\``).join(', ');
  return def.type === 'number' ? 'integer' : def.type;
}

function configShape(): Record<string, z.ZodType> {
  const config = imageServiceSpec.shape.config as unknown as { _zod: { def: { innerType: { shape: Record<string, z.ZodType> } } } };
  return config._zod.def.innerType.shape;
}

function crdConfigRows(): string[] {
  const serviceNotes = Object.assign({}, ...SERVICE_NOTES.map((s) => s.notes)) as Record<string, SettingNote>;
  return Object.entries(configShape()).map(([key, schema]) => {
    const env = CONFIG_KEY_ENV[key as keyof typeof CONFIG_KEY_ENV];
    const described = schema.description?.replace(/^[A-Z_]+: /, '');
    const boolean = typeOf(schema) === 'boolean' ? '`true` or `false` for `on` or `off`: ' : '';
    const meaning = boolean + (described ?? serviceNotes[env]?.text ?? '');
    const dflt = defaultOf(schema);
    return `| \`${key}\` | ${typeOf(schema)} | ${dflt === undefined ? 'the service\'s' : `\`${String(dflt)}\``} | \`${env}\` | ${meaning} |`;
  });
}

function commandSections(command: Command, path: string): string[] {
  return command.commands.flatMap((sub) => {
    const name = `${path} ${sub.name()}`;
    const args = sub.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}${a.variadic ? '…' : ''}]`)).join(' ');
    const options = sub.options.map((o) => {
      const choices = o.argChoices ? ` (${o.argChoices.map((c) => `\`${c}\``).join(', ')})` : '';
      const dflt = o.defaultValue === undefined ? '' : `\`${String(o.defaultValue)}\``;
      return `| \`${o.flags}\` | ${dflt} | ${o.description}${choices} |`;
    });
    const own = sub.commands.length > 0 && options.length === 0
      ? []
      : [`### \`${name}${args ? ` ${args}` : ''}\``, '', ...(sub.description() ? [sub.description(), ''] : []), ...(options.length > 0 ? ['| Option | Default | Meaning |', '|---|---|---|', ...options, ''] : [])];
    return [...own, ...commandSections(sub, name)];
  });
}

const HEADER = `# Configuration

<!-- Generated by \`npm run docs:config\` (scripts/config-docs/) from the settings tables: do not edit by hand.
     test/docs/configuration-doc.test.ts fails when this file and the code disagree. -->

Every setting is read once at start-up and validated; all problems are listed together before
the process exits. Flags win over environment variables. Durations take \`3600\` (seconds),
\`90m\`, \`12h\` or \`7d\`; byte counts \`52428800\`, \`50MiB\` or \`50MB\`; rates \`N/window\` such as
\`20/10s\`, or \`off\`.

- [The service](#the-service): \`imgsvc serve\` and every role
- [The operator](#the-operator): \`imgsvc operator\`
- [The ImageService's \`spec.config\`](#the-imageservices-specconfig): what the operator passes on
- [The command line](#the-command-line): every \`imgsvc\` command and option

## The service

The settings tables are \`services/core/config.ts\` and the \`*-settings.ts\` files it composes.
`;

const OPERATOR_HEADER = `## The operator

\`imgsvc operator\` (\`operator/operator-config.ts\`); the Helm chart sets them. Outside a cluster
it reads \`KUBECONFIG\` (else \`~/.kube/config\`, else the in-cluster service account); with none,
it prints one line saying no cluster is configured and how to point it at one, and exits 1.
`;

const CRD_HEADER = `## The ImageService's \`spec.config\`

The keys of \`spec.config\` in an \`ImageService\` (\`cdk8s/image-service-spec.ts\`, the CRD
\`crds/imageservices.imgsvc.io.yaml\`) and the setting each one sets in the ConfigMap every role
reads (\`CONFIG_KEY_ENV\` in \`cdk8s/config-map.ts\`). The operator sets the rest itself: the
listen address and port, the data directory, S3 from \`spec.storage\`, \`IMGSVC_PUBLIC_BASE_URL\`
from \`spec.publicBaseUrl\`, Redis from \`spec.redis\`, the worker counts from each pod's CPU
request, and the Secrets by reference ([operations.md](operations.md#the-secrets)). "The
service's" default means the key is left out of the ConfigMap and the service's own default holds.
`;

const CLI_HEADER = `## The command line

\`imgsvc <command> --help\` prints the same. The client commands (\`upload\`, \`stats\`) also read
\`IMGSVC_URL\` and \`IMGSVC_API_KEY\` (below); the others read the service settings above (the
configured Redis and storage). In a checkout run \`npx imgsvc …\` (or \`node bin/imgsvc.js …\`).
Guide: [cli.md](cli.md).
`;
