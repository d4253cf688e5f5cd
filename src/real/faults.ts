/**
 * The real-mode nemesis: which faults happen when. The schedule is a pure function of the
 * options and the seed (a plan of windows), decided before the run; the runner then carries it
 * out on real processes (SIGKILL and restart, SIGSTOP/SIGCONT, partitions and latency through
 * the control channel). One fault at a time, each healed before the next.
 */
import { Random } from '../runtime/random';

export const faultKinds = ['kill', 'pause', 'partition', 'latency'] as const;
export type FaultKind = (typeof faultKinds)[number];

/** A planned fault: from `startMs` for `holdMs`, on `target` ('leader': whoever answered clients last). */
export interface PlannedFault {
  readonly kind: FaultKind;
  readonly startMs: number;
  readonly holdMs: number;
  /** A node id, or 'leader' (resolved when the fault starts). */
  readonly target: string;
}

/** A fault as it happened: what the report shades. */
export interface FaultWindow {
  readonly kind: FaultKind;
  readonly node: string;
  readonly startMs: number;
  endMs: number;
  readonly description: string;
}

export interface FaultPlanOptions {
  readonly kinds: readonly FaultKind[];
  readonly durationMs: number;
  readonly nodes: readonly string[];
  readonly seed: number;
  /** Quiet time before the first fault (the cluster elects a leader) and between faults. */
  readonly quietMs: number;
  readonly holdMs: number;
}

/** Faults planned at most (a bound on the schedule's loop). */
export const plannedFaultsMax = 1_000;

/** Parses `--nemesis kill,partition,pause` (or `none`); errors list the kinds that exist. */
export function parseFaultKinds(text: string): FaultKind[] {
  if (text.trim() === '' || text.trim() === 'none') return [];
  const kinds = text.split(',').map((part) => part.trim());
  const unknown = kinds.filter((kind) => !(faultKinds as readonly string[]).includes(kind));
  if (unknown.length > 0) throw new Error(`--nemesis: unknown fault ${unknown.map((kind) => JSON.stringify(kind)).join(', ')}; use a comma-separated list of ${faultKinds.join(', ')} (or none)`);
  return [...new Set(kinds)] as FaultKind[];
}

/**
 * Faults in turn (kinds in the given order, starting at a seeded one), each after `quietMs` of
 * calm, as long as the fault and the calm after it fit in the run. Kills and pauses hit the
 * leader every other time, a seeded node otherwise.
 */
export function planFaults(options: FaultPlanOptions): PlannedFault[] {
  if (options.kinds.length === 0) return [];
  const random = new Random(options.seed).fork('nemesis');
  const plan: PlannedFault[] = [];
  let kindIndex = random.int(0, options.kinds.length - 1);
  let startMs = options.quietMs;
  while (plan.length < plannedFaultsMax && startMs + options.holdMs + options.quietMs <= options.durationMs) {
    const kind = options.kinds[kindIndex % options.kinds.length] as FaultKind;
    const someNode = options.nodes[random.int(0, options.nodes.length - 1)] as string;
    const target = kind === 'latency' ? 'all' : plan.length % 2 === 0 ? 'leader' : someNode;
    plan.push({ kind, startMs, holdMs: options.holdMs, target });
    kindIndex++;
    startMs += options.holdMs + options.quietMs;
  }
  return plan;
}
