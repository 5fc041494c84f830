/** One owner's share of a round: how many of their due deliveries to claim now. */
export interface Share {
  ownerId: string;
  count: number;
}

export interface FairShareInput {
  /** Owners with deliveries due (duplicates ignored). */
  ready: readonly string[];
  /** Attempts this worker has in flight, per owner. */
  inFlight: ReadonlyMap<string, number>;
  /** Free attempt slots of this worker. */
  free: number;
  /** The most attempts one owner may have in flight at once. */
  perOwner: number;
  /** The owner served last in the previous round: this round starts after them (round-robin). */
  after?: string | undefined;
}

/**
 * Splits a worker's free slots among the owners with due work, one slot per owner per pass,
 * starting after the owner served last time and never past an owner's own limit. An
 * owner whose receivers are slow (tarpits holding every connection until the timeout) fills at
 * most `perOwner` slots; every other owner keeps the rest.
 */
export function fairShare(input: FairShareInput): Share[] {
  const owners = [...new Set(input.ready)].sort();
  const start = input.after === undefined ? 0 : owners.findIndex((o) => o > input.after!);
  const order = start <= 0 ? owners : [...owners.slice(start), ...owners.slice(0, start)];
  const room = new Map(order.map((o) => [o, Math.max(0, input.perOwner - (input.inFlight.get(o) ?? 0))]));
  const counts = new Map<string, number>();
  let free = input.free;
  while (free > 0) {
    let gave = false;
    for (const o of order) {
      if (free === 0) break;
      if ((room.get(o) ?? 0) === 0) continue;
      room.set(o, room.get(o)! - 1);
      counts.set(o, (counts.get(o) ?? 0) + 1);
      free--;
      gave = true;
    }
    if (!gave) break;
  }
  return order.filter((o) => counts.has(o)).map((o) => ({ ownerId: o, count: counts.get(o)! }));
}
