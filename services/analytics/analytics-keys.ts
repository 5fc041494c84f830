/**
 * Redis keys of the analytics data (see docs/analytics.md). One image's keys share the
 * image's own hash tag (its stats page reads them in one pipeline, PFCOUNT over its days is one
 * command); the hourly top lists share `{top}` (a window is one ZUNIONSTORE); the flush groups
 * its commands by slot (redis/slot-pipeline.ts).
 */
const P = 'imgsvc:';

export const analyticsKeys = {
  /** All-time totals and breakdowns of one image: requests, bytes, saved, fmt:*, dev:*, var:*. */
  image: (id: string) => `${P}stats:img:{${id}}`,
  imageHour: (id: string, hour: string) => `${P}stats:img:{${id}}:h:${hour}`,
  /** Distinct viewers of one image on one day (HyperLogLog of daily-salted viewer hashes). */
  imageViewers: (id: string, day: string) => `${P}hll:img:{${id}}:d:${day}`,
  fleet: `${P}stats:fleet`,
  fleetHour: (hour: string) => `${P}stats:fleet:h:${hour}`,
  top: (hour: string, by: 'requests' | 'bytes') => `${P}top:{top}:h:${hour}:${by}`,
  /** A per-deployment secret for the daily viewer salt, so every process hashes alike. */
  secret: `${P}analytics:secret`,
} as const;
