/**
 * Carries out a fault plan (faults.ts) on real processes, on the wall clock: SIGKILL and
 * restart, SIGSTOP/SIGCONT, partitions and added latency. The same nemesis drives our nodes
 * and etcd's members; each system says how it cuts its network (or that it cannot).
 */
import type { FaultKind, FaultWindow, PlannedFault } from './faults';
import type { WorkloadState } from './workload';

/** A process of the system under test, as the nemesis handles it. */
export interface Member {
  readonly id: string;
  readonly up: boolean;
  /** False for a process on another host, which the runner cannot signal (no kill, no pause). */
  readonly signallable: boolean;
  start(): Promise<void>;
  kill(): Promise<void>;
  pause(): void;
  resume(): void;
}

/** How a system cuts and slows its network (our nodes: control frames; etcd: its peer proxy). */
export interface NetworkControl {
  partition(isolated: string, others: readonly string[]): void;
  heal(): void;
  setLatency(delayMs: number): void;
}

export interface NemesisOptions {
  readonly latencyMs: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: { readonly elapsedMs: number; readonly durationMs: number; readonly operations: number; readonly fault: string | null }) => void;
  /** Wall-clock ms on the runner's clock. */
  readonly nowMs: () => number;
}

/** The nemesis polls at this period (progress, Ctrl-C, the next fault). */
const pollMs = 50;

export class Nemesis {
  private current: FaultWindow | null = null;

  constructor(
    private readonly members: readonly Member[],
    private readonly network: NetworkControl | null,
    private readonly options: NemesisOptions,
    private readonly state: WorkloadState,
    readonly faults: FaultWindow[],
  ) {}

  /** Faults this system can suffer (no network control: no partition or latency; remote members: no kill or pause). */
  supports(kind: FaultKind): boolean {
    if (kind === 'partition' || kind === 'latency') return this.network !== null;
    return this.members.every((member) => member.signallable);
  }

  /** Runs the plan until `durationMs` after `startMs`; true if Ctrl-C cut it short. */
  async run(plan: readonly PlannedFault[], startMs: number, durationMs: number): Promise<boolean> {
    const elapsed = () => this.options.nowMs() - startMs;
    for (const fault of plan.filter((planned) => this.supports(planned.kind))) {
      if (!(await this.waitUntil(() => elapsed() >= fault.startMs, startMs, durationMs))) return true;
      await this.inject(fault);
      const interrupted = !(await this.waitUntil(() => elapsed() >= fault.startMs + fault.holdMs, startMs, durationMs));
      await this.heal();
      if (interrupted) return true;
    }
    return !(await this.waitUntil(() => elapsed() >= durationMs, startMs, durationMs));
  }

  /** After the run (or Ctrl-C): the current fault healed and every member up. */
  async healAll(): Promise<void> {
    await this.heal();
    for (const member of this.members) if (!member.up && !this.options.signal?.aborted) await member.start();
  }

  /** Sleeps in steps until `done()` (true) or Ctrl-C (false); reports progress. Bounded by the run's length. */
  private async waitUntil(done: () => boolean, startMs: number, durationMs: number): Promise<boolean> {
    const stepsMax = Math.ceil((durationMs + 60_000) / pollMs);
    for (let step = 0; step < stepsMax && !done(); step++) {
      if (this.options.signal?.aborted) return false;
      if (step % 4 === 0) {
        this.options.onProgress?.({ elapsedMs: this.options.nowMs() - startMs, durationMs, operations: this.state.operations.length, fault: this.current?.description ?? null });
      }
      // tidy: allowed (real mode: the nemesis runs on the wall clock)
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    return !this.options.signal?.aborted;
  }

  private resolveTarget(target: string): Member {
    const wanted = target === 'leader' ? this.state.lastServer : target;
    return this.members.find((member) => member.id === wanted && member.up) ?? this.members.find((member) => member.up) ?? (this.members[0] as Member);
  }

  private async inject(fault: PlannedFault): Promise<void> {
    const member = this.resolveTarget(fault.target);
    const others = this.members.filter((other) => other !== member).map((other) => other.id);
    const description =
      fault.kind === 'kill' ? `SIGKILL ${member.id}` : fault.kind === 'pause' ? `SIGSTOP ${member.id}` : fault.kind === 'partition' ? `partition [${member.id}] [${others.join(' ')}]` : `+${this.options.latencyMs} ms latency`;
    this.current = { kind: fault.kind, node: fault.kind === 'latency' ? 'all' : member.id, startMs: this.options.nowMs(), endMs: Infinity, description };
    this.faults.push(this.current);
    switch (fault.kind) {
      case 'kill':
        return member.kill();
      case 'pause':
        return member.pause();
      case 'partition':
        return this.network?.partition(member.id, others);
      case 'latency':
        return this.network?.setLatency(this.options.latencyMs);
    }
  }

  /** Ends the current fault: restart, SIGCONT, heal the partition, remove the latency. */
  private async heal(): Promise<void> {
    const fault = this.current;
    if (fault === null) return;
    this.current = null;
    const member = this.members.find((each) => each.id === fault.node);
    if (fault.kind === 'kill' && member !== undefined && !this.options.signal?.aborted) await member.start();
    if (fault.kind === 'pause') member?.resume();
    if (fault.kind === 'partition') this.network?.heal();
    if (fault.kind === 'latency') this.network?.setLatency(0);
    fault.endMs = this.options.nowMs();
  }
}
