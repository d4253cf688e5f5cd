/**
 * One Raft group as the lab-4 testers drive it (the Go tester's `ServerGrp`): the servers'
 * node ids, connecting and disconnecting them, partitions among servers that leave the
 * clients' links alone (Go: clerks keep their ends to every server), crashing and restarting
 * the whole group, who leads, and the persisted sizes the snapshot tests bound.
 */
import type { World } from 'distlab';
import type { RaftNode } from './types';

export class ServerGroup {
  readonly ids: readonly string[];
  /** Server pairs cut by the current partition, as "a>b" (one direction each). */
  private readonly cuts = new Set<string>();

  constructor(
    private readonly world: World,
    readonly n: number,
    /** The Raft peer of a live server (null while it is down). */
    private readonly raftOf: (node: object) => RaftNode | null,
  ) {
    this.ids = Array.from({ length: n }, (_, index) => String(index));
  }

  isUp(i: number): boolean {
    return this.world.isUp(this.ids[i]);
  }

  isConnected(i: number): boolean {
    return this.world.network.isConnected(this.ids[i]);
  }

  /** Cuts server i off from everyone, clients included (Go: DisconnectAll). */
  disconnect(i: number): void {
    this.world.network.disconnect(this.ids[i]);
  }

  connect(i: number): void {
    this.world.network.connect(this.ids[i]);
  }

  /**
   * Servers in different groups cannot talk; clients still reach every server (Go's
   * `Partition(p1, p2)`). A server in no group is cut from every other server.
   */
  partition(groups: readonly (readonly number[])[]): void {
    this.heal();
    const groupOf = new Map<number, number>();
    groups.forEach((group, index) => group.forEach((server) => groupOf.set(server, index)));
    for (let a = 0; a < this.n; a++) {
      for (let b = 0; b < this.n; b++) {
        if (a === b || (groupOf.has(a) && groupOf.get(a) === groupOf.get(b))) continue;
        this.cuts.add(`${a}>${b}`);
        this.world.network.cut(this.ids[a], this.ids[b]);
      }
    }
  }

  /** Ends the partition among servers (disconnections stay). */
  heal(): void {
    for (const pair of this.cuts) {
      const [a, b] = pair.split('>').map(Number);
      this.world.network.uncut(this.ids[a], this.ids[b]);
    }
    this.cuts.clear();
  }

  /** Go's MakePartition(l): a random majority without `leader`, and the rest with it. */
  majorityWithout(leader: number, randomInt: (max: number) => number): { majority: number[]; minority: number[] } {
    const others = Array.from({ length: this.n }, (_, i) => i).filter((i) => i !== leader);
    for (let i = others.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [others[i], others[j]] = [others[j], others[i]];
    }
    const majoritySize = Math.floor(this.n / 2) + 1;
    return { majority: others.slice(0, majoritySize), minority: [leader, ...others.slice(majoritySize)] };
  }

  crash(i: number): void {
    this.world.crash(this.ids[i]);
  }

  /** Restarts server i from what it persisted. */
  restart(i: number): void {
    this.world.restart(this.ids[i]);
  }

  /** Go's Shutdown: every server crashes (its persisted state stays). */
  shutdown(): void {
    for (let i = 0; i < this.n; i++) this.crash(i);
  }

  /** Go's StartServers: every server restarts from its persisted state. */
  startServers(): void {
    for (let i = 0; i < this.n; i++) this.restart(i);
  }

  /** A connected server that believes it leads the highest term claimed, or -1. */
  leader(): number {
    let best = -1;
    let bestTerm = -1;
    for (let i = 0; i < this.n; i++) {
      const node = this.world.node(this.ids[i]);
      const rf = node === null || !this.isConnected(i) ? null : this.raftOf(node);
      const status = rf?.getState();
      if (status?.isLeader === true && status.term > bestTerm) {
        best = i;
        bestTerm = status.term;
      }
    }
    return best;
  }

  /** Largest persisted Raft state over the servers, in bytes (Go: LogSize). */
  logSize(): number {
    return Math.max(...this.ids.map((id) => this.world.persister(id).stateSize()));
  }

  /** Largest persisted snapshot over the servers, in bytes (Go: SnapshotSize). */
  snapshotSize(): number {
    return Math.max(...this.ids.map((id) => this.world.persister(id).snapshotSize()));
  }
}
