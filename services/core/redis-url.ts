/**
 * REDIS_URL in its three forms. A plain `redis://`, `rediss://` or `unix://` URL names one
 * server and is handed to ioredis as it is. Two more forms name a group of servers, so they
 * carry a list of `host:port` after the credentials:
 *
 *   redis+cluster://[user:pass@]host:port[,host:port…]            (rediss+cluster:// for TLS)
 *   redis+sentinel://[user:pass@]host:port[,host:port…]/<master>[/<db>][?sentinelPassword=…&sentinelUsername=…]
 *                                                                 (rediss+sentinel:// for TLS)
 *
 * The credentials are the data nodes' (the primaries and replicas). Sentinels often have a
 * password of their own: `sentinelPassword` (and `sentinelUsername` for an ACL user). Every
 * credential is percent-decoded. Pure: the decision, every problem listed, no I/O.
 */
export type RedisMode = 'standalone' | 'sentinel' | 'cluster';

export interface RedisNode {
  host: string;
  port: number;
}

export interface RedisCredentials {
  username?: string;
  password?: string;
}

export type RedisTarget =
  | { mode: 'standalone'; url: string }
  | ({ mode: 'cluster'; nodes: RedisNode[]; tls: boolean } & RedisCredentials)
  | ({
      mode: 'sentinel';
      sentinels: RedisNode[];
      masterName: string;
      db: number;
      tls: boolean;
      sentinelUsername?: string;
      sentinelPassword?: string;
    } & RedisCredentials);

const DEFAULT_PORT = { cluster: 6379, sentinel: 26379 } as const;
const SCHEME_RE = /^([a-z][a-z0-9+.-]*):\/\//i;
const SCHEMES: Record<string, { mode: RedisMode; tls: boolean }> = {
  redis: { mode: 'standalone', tls: false },
  rediss: { mode: 'standalone', tls: true },
  unix: { mode: 'standalone', tls: false },
  'redis+cluster': { mode: 'cluster', tls: false },
  'rediss+cluster': { mode: 'cluster', tls: true },
  'redis+sentinel': { mode: 'sentinel', tls: false },
  'rediss+sentinel': { mode: 'sentinel', tls: true },
};
const SENTINEL_PARAMS = new Set(['sentinelPassword', 'sentinelUsername']);

export function parseRedisUrl(text: string): { target: RedisTarget } | { problems: string[] } {
  const scheme = SCHEME_RE.exec(text)?.[1]?.toLowerCase();
  const kind = scheme === undefined ? undefined : SCHEMES[scheme];
  if (kind === undefined) {
    return { problems: [`expected a redis://, rediss://, unix://, redis+cluster://, rediss+cluster://, redis+sentinel:// or rediss+sentinel:// URL but received ${describeScheme(scheme)}`] };
  }
  const rest = text.slice(scheme!.length + 3);
  const others = [...rest.matchAll(/[,/@]([a-z][a-z0-9+.-]*):\/\//gi)].map((m) => m[1]);
  if (others.length > 0) {
    return { problems: [`expected one URL of one form but received ${scheme}:// mixed with ${others.map((s) => `${s}://`).join(', ')}; list several nodes as host:port after one scheme`] };
  }
  if (kind.mode === 'standalone') return parseStandalone(text, scheme!, rest);

  const problems: string[] = [];
  const at = rest.lastIndexOf('@', firstOf(rest, '/', '?'));
  const credentials = at >= 0 ? parseCredentials(rest.slice(0, at), problems) : {};
  const afterCredentials = rest.slice(at + 1);
  const hostsEnd = firstOf(afterCredentials, '/', '?');
  const nodes = parseNodes(afterCredentials.slice(0, hostsEnd), DEFAULT_PORT[kind.mode], problems);
  const tail = afterCredentials.slice(hostsEnd);
  const queryAt = tail.indexOf('?');
  const path = queryAt >= 0 ? tail.slice(0, queryAt) : tail;
  const query = new URLSearchParams(queryAt >= 0 ? tail.slice(queryAt + 1) : '');

  if (kind.mode === 'cluster') {
    if (path !== '' && path !== '/') problems.push(`expected no path after a cluster's nodes (a cluster has one database and no master name) but received ${JSON.stringify(path)}`);
    for (const key of query.keys()) problems.push(`expected no query parameters in a cluster URL but received ${JSON.stringify(key)}`);
    return problems.length > 0 ? { problems } : { target: { mode: 'cluster', nodes, tls: kind.tls, ...credentials } };
  }

  const segments = path.split('/').filter((s) => s !== '');
  const masterName = segments[0] === undefined ? '' : safeDecode(segments[0], 'the master name', problems);
  if (masterName === '') problems.push('expected the master name after the sentinels (redis+sentinel://host:26379/mymaster) but received none');
  let db = 0;
  if (segments.length > 2) problems.push(`expected /<master name>[/<database>] after the sentinels but received ${JSON.stringify(path)}`);
  else if (segments[1] !== undefined) {
    if (/^\d{1,2}$/.test(segments[1])) db = Number(segments[1]);
    else problems.push(`expected a database number (0-99) after the master name but received ${JSON.stringify(segments[1])}`);
  }
  for (const key of query.keys()) {
    if (!SENTINEL_PARAMS.has(key)) problems.push(`expected only sentinelPassword and sentinelUsername as query parameters but received ${JSON.stringify(key)}`);
  }
  if (problems.length > 0) return { problems };
  const sentinelUsername = query.get('sentinelUsername') ?? undefined;
  const sentinelPassword = query.get('sentinelPassword') ?? undefined;
  return {
    target: {
      mode: 'sentinel',
      sentinels: nodes,
      masterName,
      db,
      tls: kind.tls,
      ...credentials,
      ...(sentinelUsername !== undefined ? { sentinelUsername } : {}),
      ...(sentinelPassword !== undefined ? { sentinelPassword } : {}),
    },
  };
}

/** The URL with every password replaced, for logs and error messages. */
export function redactRedisUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/?]*)@/i, (_m, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return `${scheme}${colon >= 0 ? `${userinfo.slice(0, colon)}:***` : '***'}@`;
    })
    .replace(/([?&]sentinelPassword=)[^&]*/g, '$1***');
}

/** `host:port` lists as they appear in messages (IPv6 hosts in brackets). */
export function formatNodes(nodes: readonly RedisNode[]): string {
  return nodes.map((n) => `${n.host.includes(':') ? `[${n.host}]` : n.host}:${n.port}`).join(', ');
}

function parseStandalone(text: string, scheme: string, rest: string): { target: RedisTarget } | { problems: string[] } {
  if (scheme !== 'unix') {
    const hosts = rest.slice(rest.lastIndexOf('@', firstOf(rest, '/', '?')) + 1, firstOf(rest, '/', '?'));
    if (hosts.includes(',')) {
      return { problems: [`expected one host in a ${scheme}:// URL but received ${hosts.split(',').length}; use redis+cluster:// or redis+sentinel:// for several nodes`] };
    }
    if (hosts === '') return { problems: [`expected a host after ${scheme}:// but received none`] };
  }
  return { target: { mode: 'standalone', url: text } };
}

function parseCredentials(userinfo: string, problems: string[]): RedisCredentials {
  const colon = userinfo.indexOf(':');
  const user = safeDecode(colon >= 0 ? userinfo.slice(0, colon) : userinfo, 'the user name', problems);
  const password = colon >= 0 ? safeDecode(userinfo.slice(colon + 1), 'the password', problems) : undefined;
  // `redis://secret@host` is the old habit for a password alone; keep it meaning that.
  if (password === undefined) return user === '' ? {} : { password: user };
  return { ...(user !== '' ? { username: user } : {}), ...(password !== '' ? { password } : {}) };
}

function parseNodes(list: string, defaultPort: number, problems: string[]): RedisNode[] {
  const nodes: RedisNode[] = [];
  const items = list.split(',').map((s) => s.trim());
  if (items.every((s) => s === '')) {
    problems.push('expected at least one host:port node but received none');
    return nodes;
  }
  for (const item of items) {
    const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9._-]+))(?::([^:]*))?$/.exec(item);
    if (!m) {
      problems.push(`expected a node as host:port but received ${JSON.stringify(item)}`);
      continue;
    }
    const host = (m[1] ?? m[2])!;
    const portText = m[3];
    const port = portText === undefined ? defaultPort : /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) {
      problems.push(`expected a port from 1 to 65535 for node ${JSON.stringify(host)} but received ${JSON.stringify(portText)}`);
      continue;
    }
    if (!nodes.some((n) => n.host === host && n.port === port)) nodes.push({ host, port });
  }
  return nodes;
}

function safeDecode(text: string, what: string, problems: string[]): string {
  try {
    return decodeURIComponent(text);
  } catch {
    problems.push(`expected ${what} to be percent-encoded (e.g. %40 for @) but it is not valid percent-encoding`);
    return '';
  }
}

function firstOf(text: string, ...chars: string[]): number {
  const found = chars.map((c) => text.indexOf(c)).filter((i) => i >= 0);
  return found.length > 0 ? Math.min(...found) : text.length;
}

function describeScheme(scheme: string | undefined): string {
  return scheme === undefined ? 'no scheme' : `${scheme}://`;
}

/**
 * The URL of a sentinel or cluster target (the inverse of parseRedisUrl), for a REDIS_URL
 * composed from parts, as the Kubernetes operator does from spec.redis. A username without a
 * password is written `user:@` so it is not read as a password.
 */
export function formatRedisUrl(target: Exclude<RedisTarget, { mode: 'standalone' }>): string {
  const scheme = `${target.tls ? 'rediss' : 'redis'}+${target.mode}`;
  const enc = encodeURIComponent;
  const user = target.username !== undefined ? enc(target.username) : '';
  const credentials = target.password !== undefined ? `${user}:${enc(target.password)}@` : user !== '' ? `${user}:@` : '';
  if (target.mode === 'cluster') return `${scheme}://${credentials}${formatNodes(target.nodes).replace(/, /g, ',')}`;
  const query = new URLSearchParams();
  if (target.sentinelUsername !== undefined) query.set('sentinelUsername', target.sentinelUsername);
  if (target.sentinelPassword !== undefined) query.set('sentinelPassword', target.sentinelPassword);
  const q = query.size > 0 ? `?${query.toString()}` : '';
  return `${scheme}://${credentials}${formatNodes(target.sentinels).replace(/, /g, ',')}/${enc(target.masterName)}${target.db !== 0 ? `/${target.db}` : ''}${q}`;
}
