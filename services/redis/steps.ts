import { keySlot } from '../core/shards.js';

/**
 * Atomic steps as data. Every Lua script, MULTI or pipeline that must run on one Redis Cluster
 * slot declares here the keys it touches, computed by the shared key builders; the code that
 * runs the step takes its keys from the declaration (`stepKeys`), and the slot test
 * (slots.test.ts) computes the slot of every key of every declared step over many random ids
 * and owners.
 *
 * `stepKeys` also checks at run time that the keys share one slot, on every deployment: a
 * single Redis then refuses a crossing step exactly as a cluster would (CROSSSLOT), so a bug
 * shows up in the default test lane and not first in production. It costs one CRC16 per key.
 */
export type StepKind = 'script' | 'multi' | 'pipeline';

export interface StepDecl<A extends unknown[] = never[]> {
  readonly name: string;
  readonly kind: StepKind;
  /** The keys the step touches, in the order the code passes them. */
  readonly keys: (...args: A) => string[];
}

const declared: StepDecl<never[]>[] = [];

export function declareStep<A extends unknown[]>(name: string, kind: StepKind, keys: (...args: A) => string[]): StepDecl<A> {
  const step = { name, kind, keys };
  declared.push(step as unknown as StepDecl<never[]>);
  return step;
}

/** Every step declared by the modules imported so far. */
export function declaredSteps(): readonly StepDecl<never[]>[] {
  return declared;
}

/** The distinct slots of some keys. */
export function slotsOf(keys: readonly string[]): number[] {
  return [...new Set(keys.map(keySlot))];
}

/** A step's keys, refused when they span more than one slot. */
export function stepKeys<A extends unknown[]>(step: StepDecl<A>, ...args: A): string[] {
  const keys = step.keys(...args);
  if (keys.length > 1 && slotsOf(keys).length > 1) {
    throw new Error(`step ${step.name} crosses slots: ${keys.map((k) => `${k} (${keySlot(k)})`).join(', ')}`);
  }
  return keys;
}
