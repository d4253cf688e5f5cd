import { UsageError } from './errors';
import type { NetworkOptions } from './network';
import type { Random } from './random';
import type { TimerHandle } from './scheduler';
import type { World } from './world';

/** One change of the fault state. */
export type NemesisAction =
  | { readonly type: 'partition'; readonly groups: readonly (readonly string[])[] }
  | { readonly type: 'heal' }
  | { readonly type: 'disconnect'; readonly node: string }
  | { readonly type: 'connect'; readonly node: string }
  | { readonly type: 'cut'; readonly source: string; readonly target: string }
  | { readonly type: 'uncut'; readonly source: string; readonly target: string }
  | { readonly type: 'crash'; readonly node: string }
  | { readonly type: 'restart'; readonly node: string }
  | { readonly type: 'configure'; readonly options: NetworkOptions };

/** A scripted step: `action` happens `atMs` virtual ms after the nemesis starts. */
export interface NemesisStep {
  readonly atMs: number;
  readonly action: NemesisAction;
}

/** Applies one action to a world (the only place nemesis actions touch the world). */
export function applyNemesisAction(world: World, action: NemesisAction): void {
  switch (action.type) {
    case 'partition':
      return world.network.partition(action.groups);
    case 'heal':
      return world.network.heal();
    case 'disconnect':
      return world.network.disconnect(action.node);
    case 'connect':
      return world.network.connect(action.node);
    case 'cut':
      return world.network.cut(action.source, action.target);
    case 'uncut':
      return world.network.uncut(action.source, action.target);
    case 'crash':
      return world.crash(action.node, 'nemesis');
    case 'restart':
      return world.restart(action.node);
    case 'configure':
      return world.network.configure(action.options);
  }
}

/**
 * Schedules a fixed fault script. Returns a handle that cancels the steps not yet applied.
 *
 * Example: `scriptedNemesis(world, [{ atMs: 1000, action: { type: 'partition', groups: [['a'], ['b', 'c']] } }, { atMs: 3000, action: { type: 'heal' } }])`.
 */
export function scriptedNemesis(world: World, steps: readonly NemesisStep[]): TimerHandle {
  for (const step of steps) {
    if (!(step.atMs >= 0) || !Number.isFinite(step.atMs)) throw new UsageError(`nemesis step at ${step.atMs} ms: times must be finite and non-negative`);
  }
  const handles = steps.map((step) => world.schedule(step.atMs, () => applyNemesisAction(world, step.action)));
  return { cancel: () => handles.forEach((handle) => handle.cancel()) };
}

/** Weights of each kind of fault a random nemesis may choose (0 disables a kind). */
export interface NemesisWeights {
  readonly partition?: number;
  readonly asymmetric?: number;
  readonly disconnect?: number;
  readonly crash?: number;
  readonly heal?: number;
}

export interface RandomNemesisOptions {
  readonly nodes: readonly string[];
  /** Time between faults, uniform in [msMin, msMax]. */
  readonly intervalMs: { readonly msMin: number; readonly msMax: number };
  /** Stop changing faults after this many virtual ms from now, then heal and restart every crashed node. */
  readonly durationMs: number;
  readonly weights: NemesisWeights;
  /** Never crash or isolate more than this many nodes at once (keep a majority alive). */
  readonly faultyMax: number;
}

/** The state the random nemesis decides from. */
export interface NemesisState {
  readonly nodes: readonly string[];
  readonly down: ReadonlySet<string>;
  readonly disconnected: ReadonlySet<string>;
}

/**
 * The random nemesis's pure decision: the next action given the state and a random stream.
 * Kept apart from scheduling so it can be tested and replayed on its own.
 */
export function chooseNemesisAction(state: NemesisState, random: Random, options: RandomNemesisOptions): NemesisAction {
  const faulty = new Set([...state.down, ...state.disconnected]);
  const kinds: Array<[keyof NemesisWeights, number]> = (['partition', 'asymmetric', 'disconnect', 'crash', 'heal'] as const).map(
    (kind) => [kind, options.weights[kind] ?? 0],
  );
  const total = kinds.reduce((sum, [, weight]) => sum + weight, 0);
  if (total <= 0) throw new UsageError('randomNemesis: every weight is 0; give at least one kind of fault a positive weight');
  let draw = random.float() * total;
  let kind: keyof NemesisWeights = 'heal';
  for (const [candidate, weight] of kinds) {
    if (draw < weight) {
      kind = candidate;
      break;
    }
    draw -= weight;
  }
  const healthy = state.nodes.filter((node) => !faulty.has(node));
  const canFault = faulty.size < options.faultyMax && healthy.length > 0;
  switch (kind) {
    case 'partition': {
      const shuffled = random.shuffle(state.nodes);
      const cut = random.int(1, Math.max(1, Math.min(options.faultyMax, shuffled.length - 1)));
      return { type: 'partition', groups: [shuffled.slice(0, cut), shuffled.slice(cut)] };
    }
    case 'asymmetric': {
      if (state.nodes.length < 2) return { type: 'heal' };
      const [source, target] = random.shuffle(state.nodes);
      return { type: 'cut', source: source as string, target: target as string };
    }
    case 'disconnect':
      return canFault ? { type: 'disconnect', node: random.pick(healthy) } : recover(state, random);
    case 'crash':
      return canFault ? { type: 'crash', node: random.pick(healthy) } : recover(state, random);
    case 'heal':
      return recover(state, random);
  }
}

function recover(state: NemesisState, random: Random): NemesisAction {
  if (state.down.size > 0) return { type: 'restart', node: random.pick([...state.down].sort()) };
  if (state.disconnected.size > 0) return { type: 'connect', node: random.pick([...state.disconnected].sort()) };
  return { type: 'heal' };
}

/**
 * Changes faults at random times for `durationMs`, then heals the network and restarts every
 * node it crashed (the healed phase in which liveness is checked). Draws only from the world's
 * seeded tester stream, so the same seed gives the same schedule.
 */
export function randomNemesis(world: World, options: RandomNemesisOptions): TimerHandle {
  if (options.intervalMs.msMin < 1 || options.intervalMs.msMax < options.intervalMs.msMin) {
    throw new UsageError('randomNemesis: intervalMs needs 1 <= msMin <= msMax');
  }
  const random = world.random.fork('nemesis');
  const down = new Set<string>();
  const disconnected = new Set<string>();
  const endAtMs = world.nowMs() + options.durationMs;
  let handle: TimerHandle | null = null;
  const tick = () => {
    if (world.nowMs() >= endAtMs) {
      world.network.heal();
      disconnected.clear();
      for (const node of [...down].sort()) world.restart(node);
      down.clear();
      return;
    }
    const action = chooseNemesisAction({ nodes: options.nodes, down, disconnected }, random, options);
    applyNemesisAction(world, action);
    if (action.type === 'crash') down.add(action.node);
    if (action.type === 'restart') down.delete(action.node);
    if (action.type === 'disconnect') disconnected.add(action.node);
    if (action.type === 'connect') disconnected.delete(action.node);
    if (action.type === 'heal') disconnected.clear();
    handle = world.schedule(Math.min(random.int(options.intervalMs.msMin, options.intervalMs.msMax), Math.max(0, endAtMs - world.nowMs())), tick);
  };
  handle = world.schedule(random.int(options.intervalMs.msMin, options.intervalMs.msMax), tick);
  return { cancel: () => handle?.cancel() };
}
