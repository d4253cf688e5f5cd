import { z } from 'zod';
import { UsageError } from './errors';
import { limits } from './limits';
import type { NetworkOptions } from './network-options';
import { networkChangesSchema } from './network-schema';
import type { ClockSettings } from './local-clock';

/** What happens when a node's code throws. */
export type NodeErrorPolicy =
  /** Record `node.error`, then stop the world: the run ends at once with a clear reason (default). */
  | 'stop'
  /** Record `node.error`, then crash that node (as a panic kills a process); the world goes on. */
  | 'crash-node';

export interface WorldOptions {
  /** The seed of every random choice in the world. Same code + same seed = same trace. */
  readonly seed: number;
  readonly network?: NetworkOptions;
  readonly onNodeError?: NodeErrorPolicy;
  /** Record `timer.set` / `timer.fire` events. Default true. */
  readonly traceTimers?: boolean;
  /** Stop after this many events (default and cap: limits.eventsMax). */
  readonly eventsMax?: number;
  /** Stop past this virtual time (default and cap: limits.virtualMsMax). */
  readonly virtualMsMax?: number;
  /** Events kept in memory (default limits.traceEventsKeptMax); older ones only count in the hash. */
  readonly traceEventsKeptMax?: number;
  /** Where node errors are printed, one line each. Default: standard error. `null` silences. */
  readonly reporter?: ((line: string) => void) | null;
  /**
   * Clock drift per node id (see `World.setClock`): a node's clock reads offsetMs + rate *
   * virtual time. Every id must be added with `addNode` before the world runs.
   */
  readonly clocks?: Readonly<Record<string, ClockSettings>>;
}

/** The rules of a clock setting, shared by `new World({ clocks })` and `world.setClock`. */
const clockSettingsSchema = z
  .object({
    rate: z.number().min(0.01, 'must be at least 0.01 (local ms per virtual ms)').max(100, 'must be at most 100 (local ms per virtual ms)').optional(),
    offsetMs: z.number().refine((ms) => Math.abs(ms) <= limits.virtualMsMax, `must be within +-${limits.virtualMsMax} ms`).optional(),
  })
  .strict();

const schema = z
  .object({
    seed: z.number().int().refine(Number.isSafeInteger, 'must be a safe integer'),
    network: networkChangesSchema().optional(),
    onNodeError: z.enum(['stop', 'crash-node']).optional(),
    traceTimers: z.boolean().optional(),
    eventsMax: z.number().int().positive().max(limits.eventsMax).optional(),
    virtualMsMax: z.number().positive().max(limits.virtualMsMax).optional(),
    traceEventsKeptMax: z.number().int().positive().max(limits.traceEventsKeptMax).optional(),
    reporter: z.union([z.function(), z.null()]).optional(),
    clocks: z.record(z.string(), clockSettingsSchema).optional(),
  })
  .strict();

/** Validates world options before tick zero; the error names each bad field and the rule. */
export function validateWorldOptions(options: WorldOptions): void {
  throwIfInvalid(schema, options, 'invalid World options');
}

/** Validates `world.setClock(id, settings)`; the error names the field, the rule and the node. */
export function validateClockSettings(id: string, settings: ClockSettings): void {
  throwIfInvalid(clockSettingsSchema, settings, `invalid clock settings for node ${id} (give { rate?, offsetMs? })`);
}

function throwIfInvalid(rules: z.ZodType, value: unknown, heading: string): void {
  const parsed = rules.safeParse(value);
  if (parsed.success) return;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`);
  throw new UsageError(`${heading}: ${problems.join('; ')}`);
}
