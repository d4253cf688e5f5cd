import { z } from 'zod';
import { UsageError } from './errors';
import { limits } from './limits';
import { networkChangesSchema, type NetworkOptions } from './network-options';

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
}

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
  })
  .strict();

/** Validates world options before tick zero; the error names each bad field and the rule. */
export function validateWorldOptions(options: WorldOptions): void {
  const parsed = schema.safeParse(options);
  if (parsed.success) return;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`);
  throw new UsageError(`invalid World options: ${problems.join('; ')}`);
}
