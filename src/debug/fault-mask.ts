/**
 * The fault schedule of a run, recorded and masked from outside the world: every fault action a
 * test (or a nemesis) applies goes through a handful of `World` and `Network` methods, so
 * wrapping those methods on one world instance numbers each action in the order it happens and
 * can skip chosen ones. Node code and the runtime are untouched; the same mask on the same seed
 * gives the same run, which is what shrinking relies on.
 */
import type { World } from '../runtime/world';

/** One fault action as it happened: its number in the run, when, and what. */
export interface FaultRecord {
  /** 0-based position among the run's fault actions. */
  readonly ordinal: number;
  readonly atMs: number;
  /** e.g. `crash 2`, `disconnect 0`, `partition [0 1] [2]`, `configure {"reliable":false}`. */
  readonly description: string;
  /** True when the mask skipped it. */
  readonly skipped: boolean;
}

type Wrappable = Record<string, unknown>;

/** The world methods that change faults, and how each call is described. */
const worldMethods: Readonly<Record<string, (args: readonly unknown[]) => string>> = {
  crash: (args) => `crash ${String(args[0])}`,
  restart: (args) => `restart ${String(args[0])}`,
};

const networkMethods: Readonly<Record<string, (args: readonly unknown[]) => string>> = {
  partition: (args) => `partition ${(args[0] as readonly (readonly string[])[]).map((group) => `[${group.join(' ')}]`).join(' ')}`,
  heal: () => 'heal',
  disconnect: (args) => `disconnect ${String(args[0])}`,
  connect: (args) => `connect ${String(args[0])}`,
  cut: (args) => `cut ${String(args[0])} -> ${String(args[1])}`,
  uncut: (args) => `uncut ${String(args[0])} -> ${String(args[1])}`,
  configure: (args) => `configure ${JSON.stringify(args[0])}`,
  setLinkLatency: (args) => `latency ${JSON.stringify(args)}`,
};

/**
 * Wraps the fault methods of `world` (this instance only) so that each outermost call is
 * recorded, and skipped unless `apply(ordinal)` says to apply it. Calls a fault method makes internally
 * (`restart` crashing first, `setReliable` calling `configure`) belong to the outer action.
 * Call before the test starts; `records` fills in as the run goes.
 *
 * @example
 * const keep = new Set([0, 5]);
 * const schedule = maskFaults(world, (ordinal) => keep.has(ordinal)); // only the 1st and 6th fault actions happen
 */
export function maskFaults(world: World, apply: (ordinal: number) => boolean = () => true): { readonly records: FaultRecord[] } {
  const records: FaultRecord[] = [];
  let depth = 0;
  const wrap = (target: Wrappable, name: string, describe: (args: readonly unknown[]) => string): void => {
    const original = target[name];
    if (typeof original !== 'function') throw new Error(`maskFaults: ${name} is not a method any more; update src/debug/fault-mask.ts to the runtime`);
    target[name] = (...args: unknown[]): unknown => {
      if (depth > 0) return original.apply(target, args);
      const ordinal = records.length;
      const skipped = !apply(ordinal);
      records.push({ ordinal, atMs: world.nowMs(), description: describe(args), skipped });
      if (skipped) return undefined;
      depth++;
      try {
        return original.apply(target, args);
      } finally {
        depth--;
      }
    };
  };
  for (const [name, describe] of Object.entries(worldMethods)) wrap(world as unknown as Wrappable, name, describe);
  for (const [name, describe] of Object.entries(networkMethods)) wrap(world.network as unknown as Wrappable, name, describe);
  return { records };
}
