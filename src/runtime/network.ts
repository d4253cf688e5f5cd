import { UsageError } from './errors';
import type { Random } from './random';

/** Latency of a link: uniform in [msMin, msMax] virtual ms. */
export interface Latency {
  readonly msMin: number;
  readonly msMax: number;
}

/**
 * The network's fault state. Defaults match labrpc's reliable network; `reliable: false` gives
 * labrpc's unreliable one (10% of requests and 10% of replies lost, 0-26 ms of extra delay on
 * requests and one-way messages).
 */
export interface NetworkOptions {
  /** labrpc's reliable flag. Default true. */
  readonly reliable?: boolean;
  /** labrpc's long reordering: 2/3 of replies are delayed 200-2200 ms. Default false. */
  readonly longReordering?: boolean;
  /**
   * labrpc's long delays: a call to an unreachable peer fails after 0-7000 ms instead of
   * 0-100 ms. Default false (the Raft tests turn it on).
   */
  readonly longDelays?: boolean;
  /** Probability that a request or one-way message is delivered twice. Default 0. */
  readonly duplicateProbability?: number;
  /** Base latency of every link. Default 0-0 ms (labrpc delivers at once). */
  readonly latency?: Latency;
  /** Overrides the unreliable network's request drop probability (0.1). */
  readonly requestDropProbability?: number;
  /** Overrides the unreliable network's reply drop probability (0.1). */
  readonly replyDropProbability?: number;
  /** Overrides the unreliable network's maximum extra delay on requests (26 ms). */
  readonly jitterMsMax?: number;
}

/** labrpc's constants, named. */
export const labrpc = {
  unreliableRequestDropProbability: 0.1,
  unreliableReplyDropProbability: 0.1,
  unreliableJitterMsMax: 26,
  longReorderingProbability: 600 / 900,
  longReorderingMsMin: 200,
  longReorderingMsSpread: 2000,
  longDelayFailureMsMax: 7000,
  shortDelayFailureMsMax: 100,
  /** labrpc notices a dead server every 100 ms. */
  deadServerPollMs: 100,
} as const;

/** What happens to one envelope on its way. */
export type Fate =
  | { readonly delivered: true; readonly delayMs: number }
  | { readonly delivered: false; readonly reason: 'partition' | 'unreliable'; readonly failAfterMs: number };

/**
 * Connectivity and fault parameters of a world's network, plus the decisions they imply.
 * Every decision draws from the random stream the world passes in, so the same seed gives the
 * same faults. Changes are reported through `onChange` so the world can trace them.
 *
 * Connectivity: a link source -> target is up when neither end is disconnected, both are in the
 * same partition group (when a partition is set) and the link is not cut one-way.
 */
export class Network {
  private reliable = true;
  private longReordering = false;
  private longDelays = false;
  private duplicateProbability = 0;
  private requestDropOverride: number | undefined;
  private replyDropOverride: number | undefined;
  private jitterOverride: number | undefined;
  private baseLatency: Latency = { msMin: 0, msMax: 0 };
  private readonly linkLatency = new Map<string, Latency>();
  private readonly disconnected = new Set<string>();
  private readonly cuts = new Set<string>();
  private groupOf: Map<string, number> | null = null;

  constructor(
    options: NetworkOptions,
    private readonly nodeIds: () => readonly string[],
    private readonly onChange: (description: string) => void,
  ) {
    this.configure(options, false);
  }

  // ----- configuration -------------------------------------------------------------------

  /** Changes any of the fault parameters at once. */
  configure(options: NetworkOptions, report = true): void {
    if (options.duplicateProbability !== undefined) checkProbability('duplicateProbability', options.duplicateProbability);
    if (options.requestDropProbability !== undefined) checkProbability('requestDropProbability', options.requestDropProbability);
    if (options.replyDropProbability !== undefined) checkProbability('replyDropProbability', options.replyDropProbability);
    if (options.jitterMsMax !== undefined) checkMs('jitterMsMax', options.jitterMsMax);
    if (options.latency !== undefined) checkLatency('latency', options.latency);
    if (options.reliable !== undefined) this.reliable = options.reliable;
    if (options.longReordering !== undefined) this.longReordering = options.longReordering;
    if (options.longDelays !== undefined) this.longDelays = options.longDelays;
    if (options.duplicateProbability !== undefined) this.duplicateProbability = options.duplicateProbability;
    if (options.requestDropProbability !== undefined) this.requestDropOverride = options.requestDropProbability;
    if (options.replyDropProbability !== undefined) this.replyDropOverride = options.replyDropProbability;
    if (options.jitterMsMax !== undefined) this.jitterOverride = options.jitterMsMax;
    if (options.latency !== undefined) this.baseLatency = options.latency;
    if (report) this.onChange(`configure ${describeOptions(options)}`);
  }

  /** labrpc `Reliable(bool)`. */
  setReliable(reliable: boolean): void {
    this.configure({ reliable });
  }

  /** labrpc `LongReordering(bool)`. */
  setLongReordering(longReordering: boolean): void {
    this.configure({ longReordering });
  }

  /** labrpc `LongDelays(bool)`. */
  setLongDelays(longDelays: boolean): void {
    this.configure({ longDelays });
  }

  /** Latency of one directed link (what labrpc lacks: per-link latency distributions). */
  setLinkLatency(link: { readonly source: string; readonly target: string }, latency: Latency | null): void {
    if (latency === null) this.linkLatency.delete(key(link.source, link.target));
    else {
      checkLatency('latency', latency);
      this.linkLatency.set(key(link.source, link.target), latency);
    }
    this.onChange(`latency ${link.source} -> ${link.target} ${latency === null ? 'default' : `${latency.msMin}-${latency.msMax}ms`}`);
  }

  // ----- connectivity ----------------------------------------------------------------------

  /** Cuts every link to and from `id` (the tester's `disconnect(i)`). */
  disconnect(id: string): void {
    this.disconnected.add(id);
    this.onChange(`disconnect ${id}`);
  }

  /** Undoes `disconnect(id)`. */
  connect(id: string): void {
    this.disconnected.delete(id);
    this.onChange(`connect ${id}`);
  }

  isConnected(id: string): boolean {
    return !this.disconnected.has(id);
  }

  /** Splits nodes into groups that can only talk within themselves; unlisted nodes are alone. */
  partition(groups: readonly (readonly string[])[]): void {
    const groupOf = new Map<string, number>();
    groups.forEach((group, index) => {
      for (const id of group) {
        if (groupOf.has(id)) throw new UsageError(`partition: node ${id} appears in two groups`);
        groupOf.set(id, index);
      }
    });
    this.groupOf = groupOf;
    this.onChange(`partition ${groups.map((group) => `[${group.join(' ')}]`).join(' ')}`);
  }

  /** Removes the partition, every one-way cut and every disconnection. */
  heal(): void {
    this.groupOf = null;
    this.cuts.clear();
    this.disconnected.clear();
    this.onChange('heal');
  }

  /** Cuts the one-way link source -> target (an asymmetric partition): target no longer hears source. */
  cut(source: string, target: string): void {
    this.cuts.add(key(source, target));
    this.onChange(`cut ${source} -> ${target}`);
  }

  /** Restores the one-way link source -> target. */
  uncut(source: string, target: string): void {
    this.cuts.delete(key(source, target));
    this.onChange(`uncut ${source} -> ${target}`);
  }

  /** Whether an envelope sent now from source would reach target's inbox. */
  linkUp(source: string, target: string): boolean {
    if (source === target) return true;
    if (this.disconnected.has(source) || this.disconnected.has(target)) return false;
    if (this.cuts.has(key(source, target))) return false;
    if (this.groupOf !== null) {
      const sourceGroup = this.groupOf.get(source);
      const targetGroup = this.groupOf.get(target);
      if (sourceGroup === undefined || targetGroup === undefined || sourceGroup !== targetGroup) return false;
    }
    return true;
  }

  /**
   * Groups of nodes that can all talk to each other both ways, for plots and the trace.
   * (One-way cuts make connectivity non-transitive; groups then show mutual reachability.)
   */
  groups(): string[][] {
    const ids = [...this.nodeIds()];
    const seen = new Set<string>();
    const groups: string[][] = [];
    for (const id of ids) {
      if (seen.has(id)) continue;
      const group = [id];
      seen.add(id);
      for (const other of ids) {
        if (!seen.has(other) && this.linkUp(id, other) && this.linkUp(other, id)) {
          group.push(other);
          seen.add(other);
        }
      }
      groups.push(group);
    }
    return groups;
  }

  // ----- decisions -------------------------------------------------------------------------

  /** Fate of a request or one-way message sent now. */
  requestFate(source: string, target: string, random: Random): Fate {
    if (!this.linkUp(source, target)) {
      return { delivered: false, reason: 'partition', failAfterMs: this.unreachableFailureMs(random) };
    }
    if (!this.reliable && random.chance(this.requestDropOverride ?? labrpc.unreliableRequestDropProbability)) {
      return { delivered: false, reason: 'unreliable', failAfterMs: random.int(0, labrpc.unreliableJitterMsMax) };
    }
    return { delivered: true, delayMs: this.latencyMs(source, target, random) + this.jitterMs(random) };
  }

  /** Fate of a reply sent now. */
  replyFate(source: string, target: string, random: Random): Fate {
    if (!this.linkUp(source, target)) return { delivered: false, reason: 'partition', failAfterMs: 0 };
    if (!this.reliable && random.chance(this.replyDropOverride ?? labrpc.unreliableReplyDropProbability)) {
      return { delivered: false, reason: 'unreliable', failAfterMs: 0 };
    }
    let delayMs = this.latencyMs(source, target, random);
    if (this.longReordering && random.chance(labrpc.longReorderingProbability)) {
      delayMs += labrpc.longReorderingMsMin + random.int(0, random.int(0, labrpc.longReorderingMsSpread));
    }
    return { delivered: true, delayMs };
  }

  /** Whether to deliver a second copy of a request or message, and its delay if so. */
  duplicateDelayMs(source: string, target: string, random: Random): number | null {
    if (this.duplicateProbability <= 0 || !random.chance(this.duplicateProbability)) return null;
    return this.latencyMs(source, target, random) + this.jitterMs(random);
  }

  /** How long a caller waits before learning that its peer is unreachable (labrpc's long/short delays). */
  unreachableFailureMs(random: Random): number {
    return random.int(0, this.longDelays ? labrpc.longDelayFailureMsMax : labrpc.shortDelayFailureMsMax);
  }

  private latencyMs(source: string, target: string, random: Random): number {
    const latency = this.linkLatency.get(key(source, target)) ?? this.baseLatency;
    return latency.msMax === latency.msMin ? latency.msMin : latency.msMin + random.float() * (latency.msMax - latency.msMin);
  }

  private jitterMs(random: Random): number {
    if (this.reliable) return 0;
    return random.int(0, this.jitterOverride ?? labrpc.unreliableJitterMsMax);
  }
}

function key(source: string, target: string): string {
  return `${source}\u0000${target}`;
}

function checkProbability(name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) throw new UsageError(`network option ${name} must be a probability in [0, 1], got ${value}`);
}

function checkMs(name: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) throw new UsageError(`network option ${name} must be a non-negative number of ms, got ${value}`);
}

function checkLatency(name: string, latency: Latency): void {
  checkMs(`${name}.msMin`, latency.msMin);
  checkMs(`${name}.msMax`, latency.msMax);
  if (latency.msMax < latency.msMin) throw new UsageError(`network option ${name}: msMax (${latency.msMax}) is below msMin (${latency.msMin})`);
}

function describeOptions(options: NetworkOptions): string {
  return Object.entries(options)
    .map(([name, value]) => `${name}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(' ');
}
