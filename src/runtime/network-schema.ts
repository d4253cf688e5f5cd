/**
 * Validation of the network options (network-options.ts has the types and the doc of each
 * field): the one list from which the world's option validation, `Network.configure` and the
 * defaults come. Kept apart so zod's types never reach distlab's public declarations.
 */
import { z } from 'zod';
import { UsageError } from './errors';
import { labrpc } from './labrpc';
import type { NetworkOptions, NetworkSettings } from './network-options';

const probability = z.number().min(0).max(1);
const ms = z.number().min(0).refine(Number.isFinite, 'must be finite');

/** Latency of a link: uniform in [msMin, msMax] virtual ms. */
const latencySchema = z
  .object({ msMin: ms, msMax: ms })
  .strict()
  .refine((latency) => latency.msMax >= latency.msMin, 'msMax must not be below msMin');

/**
 * The network's fault options: the one list from which the `NetworkOptions` type, the world's
 * option validation, `Network.configure` and the defaults all come. Defaults match labrpc's
 * reliable network; `reliable: false` gives labrpc's unreliable one (10% of requests and 10% of
 * replies lost, 0-26 ms of extra delay on requests and one-way messages).
 */
const networkOptionsSchema = z
  .object({
    /** labrpc's reliable flag. Default true. */
    reliable: z.boolean().default(true),
    /** labrpc's long reordering: 2/3 of replies are delayed 200-2200 ms. Default false. */
    longReordering: z.boolean().default(false),
    /**
     * labrpc's long delays: a call to an unreachable peer fails after 0-7000 ms instead of
     * 0-100 ms. Default false (the Raft tests turn it on).
     */
    longDelays: z.boolean().default(false),
    /** Probability that a request or one-way message is delivered twice. Default 0. */
    duplicateProbability: probability.default(0),
    /** Base latency of every link. Default 0-0 ms (labrpc delivers at once). */
    latency: latencySchema.default({ msMin: 0, msMax: 0 }),
    /** The unreliable network's request drop probability (labrpc: 0.1). */
    requestDropProbability: probability.default(labrpc.unreliableRequestDropProbability),
    /** The unreliable network's reply drop probability (labrpc: 0.1). */
    replyDropProbability: probability.default(labrpc.unreliableReplyDropProbability),
    /** The unreliable network's maximum extra delay on requests and messages, in ms (labrpc: 26). */
    jitterMsMax: ms.default(labrpc.unreliableJitterMsMax),
  })
  .strict();

/** The options schema without defaults, for changes: only the given fields are checked and returned. */
const changesSchema = z.object(
  Object.fromEntries(
    Object.entries(networkOptionsSchema.shape).map(([name, field]) => [name, field.removeDefault().optional()]),
  ) as unknown as { [K in keyof NetworkSettings]: z.ZodOptional<z.ZodType<NetworkSettings[K]>> },
).strict();

/** True when A and B are the same type (checked at compile time below). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** The schema and the public `NetworkSettings` type describe the same fields: a compile error otherwise. */
const schemaMatchesSettings: Same<z.output<typeof networkOptionsSchema>, NetworkSettings> = true;

/**
 * The changes schema, for other option schemas that embed it (World options). The schemas stay
 * module-private and are reached only through functions: the grader deep-freezes the runtime's
 * exports, and zod 4 assigns methods on a schema lazily, so an exported schema object would
 * break validation inside the grader.
 */
export function networkChangesSchema(): typeof changesSchema {
  return changesSchema;
}

/** The settings of a new network: every default. */
export function defaultNetworkSettings(): NetworkSettings {
  return networkOptionsSchema.parse({});
}

/** Validates a change of network options; the error names each bad field and the rule. */
export function parseNetworkChanges(options: NetworkOptions): Partial<NetworkSettings> {
  const parsed = changesSchema.safeParse(options);
  if (parsed.success) return parsed.data as Partial<NetworkSettings>;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`);
  throw new UsageError(`invalid network options: ${problems.join('; ')}`);
}
