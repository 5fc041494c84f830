/** Every Redis key the service uses, in one place, under one prefix so a shared Redis stays tidy. */
const P = 'imgsvc:';

export const redisKeys = {
  image: (id: string) => `${P}img:${id}`,
  /** dedup key (see images/dedup-key.ts) → image id; the key text predates the name, so existing data stays valid. */
  byDedupKey: (key: string) => `${P}sha:${key}`,
  /** All image ids, score 0, ordered by member: ULIDs sort by time, so ZRANGEBYLEX paginates. */
  allImages: `${P}images`,
  resizeStream: `${P}jobs:resize`,
  resizeDeadStream: `${P}jobs:resize:dead`,
  /** image id → the stream id of its outstanding resize job, so a sweep can tell a live job from a lost one. */
  resizeLive: `${P}jobs:resize:live`,
  /** Present while the resize consumer of that name is alive (short TTL, renewed): its absence lets others take its jobs at once. */
  resizeConsumerAlive: (consumer: string) => `${P}jobs:resize:alive:${consumer}`,
  repairLock: `${P}locks:repair`,
  /**
   * Written when the index is complete (built from the manifests, or found empty with no
   * manifests). Its absence while manifests exist means Redis lost the index.
   */
  indexBuilt: `${P}index:built`,
  reindexLock: `${P}locks:reindex`,
} as const;
