import { z } from 'zod';
import { role, secretKeyRef } from './spec-parts.js';

export const GROUP = 'imgsvc.io';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const KIND = 'ImageService';
export const PLURAL = 'imageservices';

/** The image the operator deploys when the resource names none (see Dockerfile). */
export const DEFAULT_IMAGE = 'ghcr.io/imgsvc/imgsvc:0.1.0';

const REDIS_ONE_OF = 'set exactly one of url or urlSecretRef';
const REDIS_NODES = 'mode sentinel and cluster: set nodes, not url or urlSecretRef';
const REDIS_MASTER = 'masterName: required with mode sentinel, and only then';
const REDIS_GROUP_ONLY = 'nodes, tls, username and database: only with mode sentinel or cluster (a standalone url says rediss:// and user@ itself)';
const REDIS_SENTINEL_ONLY = 'sentinelPasswordSecretRef and database: only with mode sentinel';

/** `host:port` of a sentinel or cluster node (IPv6 in brackets). */
const redisNode = z.string().max(300).regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):[0-9]{1,5}$/, 'expected host:port');

const isGroup = (r: { mode: string }) => r.mode !== 'standalone';

/**
 * One Redis, a Sentinel-managed primary, or a Redis Cluster. The operator composes REDIS_URL from
 * the parts (core/redis-url.ts formatRedisUrl); passwords stay in Secrets and reach the pods as
 * REDIS_PASSWORD and REDIS_SENTINEL_PASSWORD by reference.
 */
const redis = z
  .object({
    mode: z.enum(['standalone', 'sentinel', 'cluster']).default('standalone').describe('standalone: one server (url or urlSecretRef); sentinel: a primary found through Sentinel (nodes are the sentinels, masterName the master); cluster: a Redis Cluster (nodes are some of its nodes)'),
    url: z.string().regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL').optional().describe('standalone, for development; prefer urlSecretRef, which keeps the password out of the resource'),
    urlSecretRef: secretKeyRef('url').optional().describe('standalone: Secret key holding the redis:// URL'),
    nodes: z.array(redisNode).min(1).max(64).optional().describe('sentinel: the sentinels; cluster: seed nodes (any reachable one finds the rest), as host:port'),
    masterName: z.string().min(1).max(128).regex(/^[A-Za-z0-9._-]+$/, 'expected a Sentinel master name').optional().describe('sentinel: the master name the sentinels monitor'),
    database: z.number().int().min(0).max(15).optional().describe('sentinel: the database number (a cluster has only 0)'),
    username: z.string().min(1).max(128).optional().describe('sentinel and cluster: the ACL user of the data nodes'),
    passwordSecretRef: secretKeyRef('password').optional().describe('Secret key holding the data nodes\' password (REDIS_PASSWORD); with standalone, instead of a password inside the URL'),
    sentinelPasswordSecretRef: secretKeyRef('sentinelPassword').optional().describe('sentinel: Secret key holding the sentinels\' own password (REDIS_SENTINEL_PASSWORD)'),
    tls: z.boolean().optional().describe('sentinel and cluster: connect with TLS (rediss+); the CA is the pod\'s (NODE_EXTRA_CA_CERTS for a private one)'),
  })
  .refine((r) => isGroup(r) || (r.url === undefined) !== (r.urlSecretRef === undefined), { message: REDIS_ONE_OF })
  .refine((r) => !isGroup(r) || (r.nodes !== undefined && r.url === undefined && r.urlSecretRef === undefined), { message: REDIS_NODES })
  .refine((r) => (r.mode === 'sentinel') === (r.masterName !== undefined), { message: REDIS_MASTER })
  .refine((r) => isGroup(r) || (r.nodes === undefined && r.tls === undefined && r.username === undefined && r.database === undefined), { message: REDIS_GROUP_ONLY })
  .refine((r) => r.mode === 'sentinel' || (r.sentinelPasswordSecretRef === undefined && r.database === undefined), { message: REDIS_SENTINEL_ONLY })
  .meta({
    'x-kubernetes-validations': [
      { rule: "self.mode != 'standalone' || has(self.url) != has(self.urlSecretRef)", message: REDIS_ONE_OF },
      { rule: "self.mode == 'standalone' || (has(self.nodes) && !has(self.url) && !has(self.urlSecretRef))", message: REDIS_NODES },
      { rule: "(self.mode == 'sentinel') == has(self.masterName)", message: REDIS_MASTER },
      { rule: "self.mode != 'standalone' || !(has(self.nodes) || has(self.tls) || has(self.username) || has(self.database))", message: REDIS_GROUP_ONLY },
      { rule: "self.mode == 'sentinel' || !(has(self.sentinelPasswordSecretRef) || has(self.database))", message: REDIS_SENTINEL_ONLY },
    ],
  });

const s3 = z
  .object({
    bucket: z.string().max(63).regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name').describe('immutable: the images live there'),
    prefix: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/).max(512).optional().describe('immutable key prefix within the bucket'),
    endpoint: z.string().regex(/^https?:\/\/\S+$/, 'expected an http:// or https:// URL').optional().describe('for MinIO, R2, Ceph and other S3-compatible stores'),
    region: z.string().min(1).default('us-east-1'),
    forcePathStyle: z.boolean().default(false),
    checksums: z.enum(['WhenSupported', 'WhenRequired']).default('WhenSupported').describe('WhenRequired for stores that mishandle the SDK default checksums'),
    credentialsSecretRef: z
      .object({
        name: z.string().min(1).max(253),
        accessKeyIdKey: z.string().min(1).default('accessKeyId'),
        secretAccessKeyKey: z.string().min(1).default('secretAccessKey'),
      })
      .optional()
      .describe('omit to use the pod identity (IRSA, workload identity)'),
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: 'self.bucket == oldSelf.bucket', message: 'bucket is immutable: moving images is a migration, not an edit' },
      { rule: "(has(self.prefix) ? self.prefix : '') == (has(oldSelf.prefix) ? oldSelf.prefix : '')", message: 'prefix is immutable' },
    ],
  });

const serviceConfig = z.object({
  eagerPresets: z.string().min(1).optional().describe('IMGSVC_EAGER_PRESETS: variants made at upload time'),
  maxUploadBytes: z.string().regex(/^[0-9]+([KMG]i?B)?$/, 'expected a byte count such as 52428800 or 50MiB').optional(),
  maxPixels: z.number().int().min(1).optional(),
  cacheMaxAgeSeconds: z.number().int().min(0).optional(),
  hotCacheBytes: z.string().regex(/^[0-9]+([KMG]i?B)?$/, 'expected a byte count such as 256MiB').optional(),
  analytics: z.boolean().default(true),
  analyticsRetentionDays: z.number().int().min(1).max(3650).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  transformMemoryBudget: z.string().regex(/^[0-9]+([KMG]i?B)?$/, 'expected a byte count such as 1GiB').optional().describe('IMGSVC_TRANSFORM_MEMORY_BUDGET: memory all transforms of a pod may use at once'),
  uploadValidation: z.enum(['full', 'header']).optional().describe('IMGSVC_UPLOAD_VALIDATION: full decode at upload, or header checks with the decode in the resizer'),
  eraseAfter: z.string().regex(/^[0-9]{1,7}(s|m|h|d)?$/, 'expected a duration such as 90m, 1h or 2d').optional().describe('IMGSVC_ERASE_AFTER: time in the trash before erasure'),
  trustProxyHops: z.number().int().min(0).max(10).optional().describe('IMGSVC_TRUST_PROXY: proxy hops in front (ingress, CDN) whose X-Forwarded-For is trusted for client addresses'),
  connectionsPerAddress: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .optional()
    .describe(
      'IMGSVC_CONNECTIONS_PER_ADDRESS: open connections one client address may hold, 0 for no cap; unset, 0 when an ingress or trusted proxy hops are configured (every request then comes from a proxy address), else the service default 256',
    ),
  corsOrigins: z.string().optional().describe('IMGSVC_CORS_ORIGINS: * or a comma-separated list of origins allowed to read the JSON API'),
  fullResolutionStreams: z.number().int().min(0).max(100).optional().describe('IMGSVC_FULL_RES_STREAMS: full-resolution downloads per user at a time; 0 turns the limit off'),
  eventRetention: z.string().regex(/^[0-9]{1,7}(s|m|h|d)?$/, 'expected a duration such as 36h or 7d').optional().describe('IMGSVC_EVENT_RETENTION: how long the event stream keeps entries'),
  commentRate: z.string().regex(/^([0-9]{1,9}\/[0-9]{0,6}(s|m|h)|off)$/, 'expected N/window such as 10/1m, or off').optional().describe('IMGSVC_COMMENT_RATE: comments per user per window'),
  notificationWindow: z.string().regex(/^[0-9]{1,7}(s|m|h)?$/, 'expected a duration such as 300, 5m or 1h').optional().describe('IMGSVC_NOTIFICATION_WINDOW: comments on one image within it make one notification'),
  webhookAllowPrivate: z.enum(['none', 'loopback', 'private', 'all']).optional().describe('IMGSVC_WEBHOOK_ALLOW_PRIVATE: which non-public addresses webhook endpoints may resolve to'),
});

const ingress = z.object({
  host: z.string().regex(/^(\*\.)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'expected a DNS host name'),
  className: z.string().min(1).optional(),
  tlsSecretName: z.string().min(1).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

const auth = z
  .object({
    bootstrapAdminKeySecretRef: secretKeyRef('adminKey').describe(
      'Secret key holding the first admin API key (imgsvc_<16 hex>_<43 base64url>), used when the service starts with no users',
    ),
    signingKeysSecretRef: secretKeyRef('signingKeys').describe(
      'Secret key holding the URL-signing key ring, kid:secret[,kid:secret…]; the first signs, all verify (rotate by prepending)',
    ),
    webhookKeySecretRef: secretKeyRef('webhookKey').describe(
      'Secret key holding the 32-byte base64 key that seals webhook signing secrets at rest (openssl rand -base64 32); every pod must share it',
    ),
  })
  .describe('accounts, signed URLs and webhook secrets: the Secrets are read by every pod, never copied into objects the operator owns; by default keys of the Secret imgsvc-auth');

export const imageServiceSpec = z.object({
  image: z.string().min(1).default(DEFAULT_IMAGE),
  imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).default('IfNotPresent'),
  imagePullSecrets: z.array(z.object({ name: z.string().min(1) })).optional(),
  redis,
  storage: z.object({ s3 }),
  auth: auth.prefault({ bootstrapAdminKeySecretRef: { name: 'imgsvc-auth' }, signingKeysSecretRef: { name: 'imgsvc-auth' }, webhookKeySecretRef: { name: 'imgsvc-auth' } }),
  publicBaseUrl: z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'expected an http:// or https:// URL').optional(),
  config: serviceConfig.prefault({}),
  upload: role(['CPU', 'InFlightRequests'], {
    replicas: 2,
    resources: { requests: { cpu: '1', memory: '512Mi' }, limits: { memory: '1Gi' } },
    autoscaling: { minReplicas: 2, maxReplicas: 20, metrics: [{ type: 'CPU', target: 70 }, { type: 'InFlightRequests', target: 16 }] },
  }).prefault({}),
  resizer: role(['CPU', 'QueueLag'], {
    replicas: 2,
    resources: { requests: { cpu: '2', memory: '1Gi' }, limits: { memory: '2Gi' } },
    autoscaling: { minReplicas: 1, maxReplicas: 50, metrics: [{ type: 'CPU', target: 80 }, { type: 'QueueLag', target: 30 }] },
  }).prefault({}),
  origin: role(['CPU', 'InFlightRequests'], {
    replicas: 2,
    resources: { requests: { cpu: '1', memory: '768Mi' }, limits: { memory: '1536Mi' } },
    autoscaling: { minReplicas: 2, maxReplicas: 30, metrics: [{ type: 'CPU', target: 70 }, { type: 'InFlightRequests', target: 64 }] },
  }).prefault({}),
  serviceAccount: z
    .object({ annotations: z.record(z.string(), z.string()).optional().describe('for pod identity, e.g. eks.amazonaws.com/role-arn') })
    .optional(),
  ingress: ingress.optional(),
});

export type ImageServiceSpec = z.output<typeof imageServiceSpec>;
export type ImageServiceSpecInput = z.input<typeof imageServiceSpec>;
export const ROLE_NAMES = ['upload', 'resizer', 'origin'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];
export type RoleSpec = ImageServiceSpec[RoleName];

const condition = z.object({
  type: z.string().min(1),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().min(1),
  message: z.string(),
  observedGeneration: z.number().int().min(0).optional(),
  lastTransitionTime: z.string().describe('RFC 3339 time'),
});
export type Condition = z.infer<typeof condition>;

const roleStatus = z.object({
  desiredReplicas: z.number().int().min(0),
  readyReplicas: z.number().int().min(0),
  updatedReplicas: z.number().int().min(0).optional(),
});
export type RoleStatus = z.infer<typeof roleStatus>;

export const imageServiceStatus = z.object({
  observedGeneration: z.number().int().min(0).optional(),
  conditions: z.array(condition).optional().meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] }),
  roles: z.object({ upload: roleStatus, resizer: roleStatus, origin: roleStatus }).partial().optional(),
  endpoints: z
    .object({ upload: z.string(), origin: z.string(), public: z.string().optional() })
    .partial()
    .optional()
    .describe('in-cluster URLs of the upload and origin Services, and the public base URL'),
});
export type ImageServiceStatus = z.infer<typeof imageServiceStatus>;

/** The custom resource as the API returns it. */
export interface ImageService {
  apiVersion: typeof API_VERSION;
  kind: typeof KIND;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
  };
  spec: ImageServiceSpec;
  status?: ImageServiceStatus;
}
