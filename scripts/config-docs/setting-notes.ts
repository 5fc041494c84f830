/**
 * What each setting means, for docs/configuration.md. The settings tables (services/core/config.ts
 * and the *-settings.ts files it composes, operator/operator-config.ts) say the name, the flag and
 * the default; these notes say only the meaning, grouped for a reader. The config doc test fails
 * when a setting has no note or a note names no setting.
 */
export interface SettingNote {
  /** What it does, in one table cell. */
  readonly text: string;
  /**
   * The default as a person writes it, when the parsed value reads worse (`52428800` is `50MiB`).
   * The test parses it and checks it gives the table's default, so it cannot drift.
   */
  readonly shown?: string;
  /** A default computed at start-up (the core count, a generated key): shown as is, not checked. */
  readonly computed?: string;
}

export interface NoteSection {
  readonly title: string;
  /** A guide that says more, relative to docs/. */
  readonly guide?: string;
  readonly notes: Readonly<Record<string, SettingNote>>;
}

export const SERVICE_NOTES: readonly NoteSection[] = [
  {
    title: 'Process',
    notes: {
      IMGSVC_ROLE: { text: '`all`, `upload`, `resizer` or `origin` ([architecture](architecture.md#roles))' },
      IMGSVC_HOST: { text: 'address to listen on (`0.0.0.0` in containers)' },
      IMGSVC_PORT: { text: 'port to listen on (`0` picks a free one)' },
      IMGSVC_DATA_DIR: { text: 'stored objects (`objects/`), upload temp files (`tmp/`), the private Redis (`redis/`), generated keys' },
      IMGSVC_SHUTDOWN_TIMEOUT_MS: { text: 'how long SIGTERM waits for in-flight requests and running resize jobs; then each part gets as long (at least 2 s) to stop, and one that does not is logged and left' },
      IMGSVC_LOG_LEVEL: { text: '`fatal` … `trace`, `silent`; logs are JSON lines (pino) with a request id' },
    },
  },
  {
    title: 'Redis',
    guide: 'redis.md',
    notes: {
      REDIS_URL: { text: '`redis://[user:pass@]host:port[/db]`, a `redis+sentinel://` group or a `redis+cluster://` cluster ([redis.md](redis.md)); unset starts a private `redis-server` under the data directory' },
      REDIS_PASSWORD: { text: 'the Redis password, kept out of `REDIS_URL` (what a Kubernetes Secret holds); never echoed in errors' },
      REDIS_SENTINEL_PASSWORD: { text: 'the Sentinels\' password for a `redis+sentinel://` URL; never echoed in errors' },
      IMGSVC_REDIS_SHARDS: { text: 'logical shards of the Redis keyspace (1–1024), fixed at install time: each image, its listing entries, dedup entry and stream entries live under its shard\'s hash tag ([keyspace.md](keyspace.md); change it only with `imgsvc reindex --reshard`)' },
      IMGSVC_REDIS_WAIT_SECONDS: { text: 'how long start-up waits for Redis to answer before exiting' },
      IMGSVC_PRIVATE_REDIS_MAX_RESTARTS: { text: 'crashes in a row of the private `redis-server` that `serve` restarts before it exits 1' },
      IMGSVC_PRIVATE_REDIS_STABLE_SECONDS: { text: 'a private `redis-server` that ran this long before crashing starts the count of crashes in a row again' },
    },
  },
  {
    title: 'Durability',
    guide: 'durability.md',
    notes: {
      IMGSVC_REDIS_WAIT_REPLICAS: { text: 'replicas that must acknowledge the upload\'s pivot before `201` (Redis `WAIT`)' },
      IMGSVC_REDIS_WAIT_TIMEOUT_MS: { text: 'how long the pivot waits for them' },
      IMGSVC_INDEX_WRITE_WAIT_MS: { text: 'how long an index-dependent write waits for a rebuild before `503`' },
      IMGSVC_RECORD_COLD_DAYS: { text: 'an image not read or changed for this long has its record leave Redis (`0`: never)' },
      IMGSVC_RECORD_COLD_SWEEP_SECONDS: { text: 'how often the cold-record pass runs (resizer role)' },
    },
  },
  {
    title: 'Storage',
    guide: 'operations.md#storage',
    notes: {
      IMGSVC_STORAGE: { text: '`fs` (a folder under the data directory) or `s3`' },
      IMGSVC_S3_BUCKET: { text: 'the bucket; required with `s3`' },
      IMGSVC_S3_ENDPOINT: { text: 'endpoint of a compatible store (MinIO, R2, B2, Ceph RGW); unset: AWS' },
      IMGSVC_S3_REGION: { text: 'region (`auto` for R2)' },
      IMGSVC_S3_FORCE_PATH_STYLE: { text: '`true` for stores without virtual-host buckets (MinIO, s3rver)' },
      IMGSVC_S3_PREFIX: { text: 'key prefix, so one bucket can hold several deployments' },
      IMGSVC_S3_CHECKSUMS: { text: '`when_required` for stores that mishandle the SDK\'s default checksums' },
    },
  },
  {
    title: 'Uploads',
    guide: 'api.md#post-v1images',
    notes: {
      IMGSVC_PUBLIC_BASE_URL: { text: 'base of returned URLs, e.g. your CDN domain `https://img.example.com`; unset: the request\'s host' },
      IMGSVC_MAX_UPLOAD_BYTES: { text: 'largest accepted body; bytes or `KiB`/`MiB`/`GiB`/`kB`/`MB`/`GB`', shown: '50MiB' },
      IMGSVC_UPLOAD_IDLE_TIMEOUT_MS: { text: 'an upload body that sends nothing for this long is cut off: `408`, temp file removed, connection closed' },
      IMGSVC_UPLOAD_VALIDATION: { text: '`full`: an upload is decoded before it is accepted (every byte read, JPEG at 1/8 scale; `422 corrupt_image`). `header`: magic bytes, header, dimensions and the file\'s terminator only (a truncated file is still `422`), and the resizer\'s decode finds corrupt data: the image goes `failed` and is never served. About half the upload CPU ([benchmarks](../BENCHMARKS.md#uploads))' },
      IMGSVC_MAX_CONCURRENT_UPLOADS: { text: 'uploads one process receives at once; past it `503` with `Retry-After`, before any file is opened' },
      IMGSVC_CORS_ORIGINS: { text: 'origins whose pages may call the JSON API: `*`, or a comma list of exact origins (`https://app.example.com`); unset: none' },
      IMGSVC_MAX_PIXELS: { text: 'largest accepted image, width × height × frames, checked from the header' },
      IMGSVC_MAX_FRAMES: { text: 'most frames an accepted animation may have (`422 too_many_frames`; 10,000 16×16 frames cost 1.4 s of CPU per animated rendition, measured)' },
      IMGSVC_MAX_ANIMATION_PIXELS: { text: 'most frames × width × height an accepted animation may have (`422 animation_too_large`)' },
    },
  },
  {
    title: 'Serving and transforms',
    guide: 'api.md#serving-iid',
    notes: {
      IMGSVC_CACHE_MAX_AGE: { text: '`Cache-Control` max-age of image responses, seconds (a year adds `immutable`)' },
      IMGSVC_HOT_CACHE_BYTES: { text: 'in-memory cache of served variants (LRU by bytes)', shown: '256MiB' },
      IMGSVC_QUALITY_SEARCH: { text: 'the resizer\'s per-image quality search ([resizer.md](resizer.md#per-image-quality-every-format-at-the-same-score)); `off` serves the fixed table' },
      IMGSVC_TRANSFORM_CONCURRENCY: { text: 'on-demand transforms running at once', computed: 'the core count' },
      IMGSVC_TRANSFORM_TIMEOUT_SECONDS: { text: 'an on-demand transform running longer is stopped: `503` (`transform_timeout`)' },
      IMGSVC_TRANSFORM_QUEUE: { text: 'transforms waiting; past it `/i/<id>` misses get `503`' },
      IMGSVC_TRANSFORM_MEMORY_BUDGET: { text: 'memory all transforms of one process (on-demand and resize jobs) may need together, estimated from each source\'s header ([api.md](api.md#serving-iid), "Memory budget")', shown: '1GiB' },
      IMGSVC_TRANSFORM_FAILURE_TTL_SECONDS: { text: 'how long a failed on-demand transform is remembered and answered without retrying; `0` retries every time' },
      IMGSVC_VARIANT_SIZES: { text: 'sizes served exactly from unsigned URLs (`300,640x480,x200`: a width, a box, a height); any other unsigned size snaps up to the width ladder. Owners add their own with `PUT /v1/me/variant-sizes` ([hardening.md](hardening.md#variant-amplification-what-an-anonymous-url-can-make-us-store))' },
      IMGSVC_EAGER_PRESETS: { text: 'named sizes, `name=width:format+format,…`, each made at upload in those formats (`avif`, `webp`, `jpeg`, `png`, `source`); `name=width` alone is a named size (`/i/<id>/<name>`) made on its first request ([resizer.md](resizer.md#eager-variants))' },
    },
  },
  {
    title: 'Resizer and sweeps',
    guide: 'resizer.md',
    notes: {
      IMGSVC_RESIZE_CONCURRENCY: { text: 'resize jobs one process runs at once', computed: 'the core count' },
      IMGSVC_RESIZE_MAX_DELIVERIES: { text: 'deliveries of a failing job before it is dead-lettered' },
      IMGSVC_RESIZE_VISIBILITY_TIMEOUT_MS: { text: 'how long a job may sit unacknowledged with its consumer before another resizer reclaims it' },
      IMGSVC_RESIZE_HEARTBEAT_TTL_MS: { text: 'lifetime of a resizer\'s heartbeat (renewed every third of it); the jobs of a resizer whose heartbeat lapsed are taken over at once' },
      IMGSVC_RESIZE_JOB_TIMEOUT_SECONDS: { text: 'a job running longer is cancelled, counted as `timeout`, and retried' },
      IMGSVC_REPAIR_INTERVAL_SECONDS: { text: 'period of the repair sweep (also run at start); `0` runs it only at start' },
      IMGSVC_INDEX_CHECK_SECONDS: { text: 'how often each process checks that Redis still holds the image index (and rebuilds it if not); `0` checks only at start' },
      IMGSVC_TEMP_SAFE_AGE_SECONDS: { text: 'temp files (uploads, the fs store\'s `objects/.tmp`) older than this are left by a dead process and removed (min `301`, above the upload timeout)' },
      IMGSVC_TEMP_SWEEP_INTERVAL_SECONDS: { text: 'period of the temp file sweep (also run at start); `0` runs it only at start' },
      IMGSVC_ORPHAN_SAFE_AGE_SECONDS: { text: 'the repair sweep removes unreferenced originals and manifests only when older than this (min `60`)' },
    },
  },
  {
    title: 'Analytics',
    guide: 'analytics.md',
    notes: {
      IMGSVC_ANALYTICS: { text: '`off` stops recording image requests (to measure what it costs)' },
      IMGSVC_ANALYTICS_RETENTION_DAYS: { text: 'hourly buckets, top lists and viewer sets expire after this' },
    },
  },
  {
    title: 'Access, keys and rate limits',
    guide: 'api.md#accounts-and-access',
    notes: {
      IMGSVC_SIGNING_KEYS: { text: 'URL-signing key ring `kid:secret[,kid:secret…]` (secrets base64, ≥ 32 bytes); the first signs, all verify. Unset: `serve` generates one into `./data/signing-keys` (0600). Every pod must share it', computed: 'generated' },
      IMGSVC_SIGNED_URL_TTL: { text: 'lifetime in seconds of the signed URLs in records of private images' },
      IMGSVC_SIGNED_URL_MAX_TTL: { text: 'longest lifetime a signed URL may have (asked or presented: further is a `400`)' },
      IMGSVC_SIGNED_URL_DELEGATED_MAX_AGE: { text: 'shared-cache `max-age` of URLs minted by someone other than the owner ([hardening.md](hardening.md))' },
      IMGSVC_BOOTSTRAP_ADMIN_KEY: { text: 'the first admin key (`imgsvc_<16 hex>_<43 base64url>`), used when there are no users yet; unset: generated and printed' },
      IMGSVC_RATE_LIMIT_PER_KEY: { text: 'API requests per key (`N/window`, window `s`, `m`, `h`, e.g. `20/10s`; or `off`), held in Redis across pods' },
      IMGSVC_RATE_LIMIT_PER_ADDRESS: { text: 'API requests per client address without a key' },
      IMGSVC_RATE_LIMIT_AUTH_FAILURES: { text: 'failed authentications per address before it gets `429` even with a good key' },
      IMGSVC_RATE_LIMIT_IMAGES: { text: 'reserved for `/i/`, which stays unlimited: a CDN fronts it' },
      IMGSVC_TRUST_PROXY: { text: 'proxy hops to trust for the client address (`X-Forwarded-For`); set it behind an ingress' },
      IMGSVC_ERASE_AFTER: { text: 'how long a deleted image stays in the trash before it is erased (`3600`, `90m`, `1h`, `2d`)' },
      IMGSVC_ERASE_SWEEP_SECONDS: { text: 'how often the resizer role runs the erase sweep' },
      IMGSVC_EVENT_RETENTION: { text: 'how long the event streams keep their entries (`3600`, `90m`, `12h`, `7d`; at least a minute); every append trims what is older ([events.md](events.md))' },
      IMGSVC_EVENT_ENTRIES: { text: 'stored form of event stream entries: `compact` (default) or `legacy`, for a rolling upgrade from a version that cannot read the compact form ([events.md](events.md))' },
      IMGSVC_FULL_RES_MIN_WIDTH: { text: 'originals at least this wide count as full resolution when served at full width' },
      IMGSVC_FULL_RES_STREAMS: { text: 'full-resolution downloads per user (or address) at a time; `0` turns the limit off' },
    },
  },
  {
    title: 'Abuse limits',
    guide: 'hardening.md',
    notes: {
      IMGSVC_UPLOADS_PER_KEY: { text: 'uploads one API key may have in progress; past it that caller gets `429 too_many_uploads` (`Retry-After`)' },
      IMGSVC_UPLOADS_PER_ADDRESS: { text: 'uploads one client address may have in progress, whatever keys it uses; `429`' },
      IMGSVC_UPLOAD_TOTAL_TIMEOUT: { text: 'the whole body must arrive within this long, however steadily it trickles (`408 upload_timeout`)' },
      IMGSVC_CONNECTIONS_PER_ADDRESS: { text: 'open connections one client address may hold at the HTTP server; one more is closed on accept. `0` turns it off' },
    },
  },
  {
    title: 'Comments and notifications',
    guide: 'api.md#comments-and-notifications',
    notes: {
      IMGSVC_COMMENT_RATE: { text: 'comments one user may post per window (`N/window`, or `off`), held in Redis across pods; past it `429` with `Retry-After`' },
      IMGSVC_NOTIFICATION_WINDOW: { text: 'comments on one image within this much of the first one make one notification per recipient (`300`, `5m`, `1h`)' },
      IMGSVC_NOTIFICATION_RECLAIM_SECONDS: { text: 'how long events delivered to a notification consumer stay unacknowledged before another takes them over (that one died)' },
      IMGSVC_NOTIFICATION_APPLY_DELAY_MS: { text: 'testing only: a pause before each recipient\'s update, so a test can SIGKILL the consumer mid-batch' },
    },
  },
  {
    title: 'Webhooks',
    guide: 'webhooks.md',
    notes: {
      IMGSVC_WEBHOOK_SECRET_KEY: { text: '32 bytes in base64 (`openssl rand -base64 32`) sealing webhook signing secrets at rest (AES-256-GCM). Unset: generated into `./data/webhook-key` (0600). Every pod must share it (in Kubernetes the `webhookKey` of the auth Secret)', computed: 'generated' },
      IMGSVC_WEBHOOK_ALLOW_PRIVATE: { text: 'webhook destinations besides public addresses: `loopback`, `private` (plus RFC 1918, CGNAT, unique-local) or `all`' },
      IMGSVC_WEBHOOK_TIMEOUT_MS: { text: 'one delivery attempt, connect to last byte' },
      IMGSVC_WEBHOOK_RETRY_BASE_MS: { text: 'first retry\'s backoff ceiling (full jitter), doubled per attempt' },
      IMGSVC_WEBHOOK_RETRY_MAX_MS: { text: 'largest backoff ceiling (3 h)' },
      IMGSVC_WEBHOOK_RETRY_WINDOW_MS: { text: 'how long a delivery is retried before it is dead-lettered (24 h)' },
      IMGSVC_WEBHOOK_CONCURRENCY: { text: 'attempts one process has in flight' },
      IMGSVC_WEBHOOK_OWNER_CONCURRENCY: { text: 'attempts one owner\'s endpoints hold at once in a process (fairness between tenants)' },
      IMGSVC_WEBHOOK_POLL_MS: { text: 'how often the worker looks for due deliveries' },
    },
  },
  {
    title: 'Sign-in, sessions and resumable uploads',
    guide: 'accounts.md',
    notes: {
      IMGSVC_SESSION_IDLE: { text: 'a session ends after this long unused' },
      IMGSVC_SESSION_MAX_AGE: { text: 'and after this long in any case' },
      IMGSVC_SESSION_COOKIE_SECURE: { text: '`auto`, `always` or `never`' },
      IMGSVC_LOGIN_LIMIT_PER_HANDLE: { text: 'failed sign-ins per handle' },
      IMGSVC_LOGIN_LIMIT_PER_ADDRESS: { text: 'failed sign-ins per address' },
      IMGSVC_PASSWORD_LINK_TTL: { text: 'how long a set-password link works' },
      IMGSVC_TUS_MAX_OPEN_UPLOADS: { text: 'unfinished resumable uploads per user (`429` past it)' },
      IMGSVC_TUS_MAX_OPEN_BYTES: { text: 'bytes announced by a user\'s unfinished resumable uploads', shown: '2GiB' },
      IMGSVC_TUS_EXPIRY: { text: 'a resumable upload unfinished this long after its creation expires (`410`)' },
      IMGSVC_TUS_SWEEP: { text: 'how often expired uploads\' parts are removed (`404` after)' },
    },
  },
];

/** The client commands' own settings (services/cli/client-settings.ts); they also read IMGSVC_DATA_DIR and IMGSVC_PORT above. */
export const CLIENT_NOTES: Readonly<Record<string, SettingNote>> = {
  IMGSVC_URL: { text: 'the service `upload` and `stats` talk to; unset: the service running on the data folder, else `http://127.0.0.1:$IMGSVC_PORT`' },
  IMGSVC_API_KEY: { text: 'the API key they send; unset: the admin key `serve` wrote into the data folder' },
};

export const OPERATOR_NOTES: Readonly<Record<string, SettingNote>> = {
  IMGSVC_OPERATOR_WATCH_NAMESPACE: { text: 'one namespace only; unset: all' },
  POD_NAMESPACE: { text: 'the Lease\'s namespace (downward API in the chart)' },
  POD_NAME: { text: 'lease identity (downward API in the chart)', computed: 'host-pid' },
  IMGSVC_OPERATOR_LEASE_NAME: { text: 'the Lease' },
  IMGSVC_OPERATOR_LEASE_DURATION_SECONDS: { text: 'leader election: how long a lease holds' },
  IMGSVC_OPERATOR_RENEW_DEADLINE_SECONDS: { text: 'leader election: a leader that cannot renew within this steps down (must be below the duration)' },
  IMGSVC_OPERATOR_RETRY_PERIOD_SECONDS: { text: 'leader election: how often candidates try' },
  IMGSVC_OPERATOR_HOST: { text: 'address of `/healthz`, `/readyz` and `/metrics`' },
  IMGSVC_OPERATOR_PORT: { text: 'their port' },
  IMGSVC_OPERATOR_CONCURRENCY: { text: 'resources reconciled at once' },
  IMGSVC_OPERATOR_RESYNC_SECONDS: { text: 'periodic full resync' },
  IMGSVC_LOG_LEVEL: { text: 'as for the service' },
};
