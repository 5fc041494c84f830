/**
 * An event's public id: its stream entry id and the shard whose stream holds it,
 * `<ms>-<seq>.<shard>` (`1733130000000-0.7`). Stream ids are unique per stream only, and every
 * shard has its own stream, so two events of one millisecond in two shards can share one; the
 * shard makes the id unique across the install. It is the `webhook-id` header, what a receiver
 * de-duplicates by, and a resume point for `GET /v1/events` (`after`).
 */
export function publicEventId(streamId: string, shard: number): string {
  return `${streamId}.${shard}`;
}

export interface ParsedEventId {
  streamId: string;
  shard: number;
}

/** The parts of a public event id; undefined for anything else (a plain stream id included). */
export function parsePublicEventId(value: string): ParsedEventId | undefined {
  const m = /^(\d{1,15}-\d{1,19})\.(\d{1,4})$/.exec(value);
  if (!m) return undefined;
  return { streamId: m[1]!, shard: Number(m[2]) };
}
