import { UsageError } from './errors';
import { labrpc, type Latency, type NetworkOptions, type NetworkSettings } from './network-options';
import { defaultNetworkSettings, parseNetworkChanges } from './network-schema';
import type { Random } from './random';

export { labrpc } from './network-options';
export type { Latency, NetworkOptions, NetworkSettings } from './network-options';

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
  private readonly settings: NetworkSettings = defaultNetworkSettings();
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

  /** Changes any of the fault parameters at once (see `networkOptionsSchema` for each one). */
  configure(options: NetworkOptions, report = true): void {
    Object.assign(this.settings, parseNetworkChanges(options));
    if (report) this.onChange(`configure ${describeOptions(options)}`);
  }

  /** The current value of every fault parameter. */
  get options(): Readonly<NetworkSettings> {
    return { ...this.settings };
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
    else this.linkLatency.set(key(link.source, link.target), parseNetworkChanges({ latency }).latency as Latency);
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
    if (!this.settings.reliable && random.chance(this.settings.requestDropProbability)) {
      return { delivered: false, reason: 'unreliable', failAfterMs: random.int(0, labrpc.unreliableJitterMsMax) };
    }
    return { delivered: true, delayMs: this.latencyMs(source, target, random) + this.jitterMs(random) };
  }

  /** Fate of a reply sent now. */
  replyFate(source: string, target: string, random: Random): Fate {
    if (!this.linkUp(source, target)) return { delivered: false, reason: 'partition', failAfterMs: 0 };
    if (!this.settings.reliable && random.chance(this.settings.replyDropProbability)) {
      return { delivered: false, reason: 'unreliable', failAfterMs: 0 };
    }
    let delayMs = this.latencyMs(source, target, random);
    if (this.settings.longReordering && random.chance(labrpc.longReorderingProbability)) {
      delayMs += labrpc.longReorderingMsMin + random.int(0, random.int(0, labrpc.longReorderingMsSpread));
    }
    return { delivered: true, delayMs };
  }

  /** Whether to deliver a second copy of a request or message, and its delay if so. */
  duplicateDelayMs(source: string, target: string, random: Random): number | null {
    if (this.settings.duplicateProbability <= 0 || !random.chance(this.settings.duplicateProbability)) return null;
    return this.latencyMs(source, target, random) + this.jitterMs(random);
  }

  /** How long a caller waits before learning that its peer is unreachable (labrpc's long/short delays). */
  unreachableFailureMs(random: Random): number {
    return random.int(0, this.settings.longDelays ? labrpc.longDelayFailureMsMax : labrpc.shortDelayFailureMsMax);
  }

  private latencyMs(source: string, target: string, random: Random): number {
    const latency = this.linkLatency.get(key(source, target)) ?? this.settings.latency;
    return latency.msMax === latency.msMin ? latency.msMin : latency.msMin + random.float() * (latency.msMax - latency.msMin);
  }

  private jitterMs(random: Random): number {
    if (this.settings.reliable) return 0;
    return random.int(0, this.settings.jitterMsMax);
  }
}

function key(source: string, target: string): string {
  return `${source}\u0000${target}`;
}

function describeOptions(options: NetworkOptions): string {
  return Object.entries(options)
    .map(([name, value]) => `${name}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(' ');
}
