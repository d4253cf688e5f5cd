/**
 * The one palette of distlab's charts. A colour means the same thing in every chart (a leader is
 * orange in notebook 00, in a Raft failure report and in the skeleton's first run), so every
 * chart takes its role and event colours from here instead of from a Vega scheme, whose colours
 * depend on which categories happen to appear.
 */

/** Colours of the roles nodes report with `ctx.role(role, term)`. */
export const roleColors: Readonly<Record<string, string>> = {
  leader: '#f58518', // orange: the one node to look for
  candidate: '#b279a2', // purple: short, between follower and leader
  follower: '#9ecae9', // light blue: the quiet majority; black labels stay readable on it
  // Primary/backup (notebook 04) reads like leader/follower: the one in charge is orange.
  primary: '#f58518',
  backup: '#9ecae9',
};

/** Legend order of the known roles: the quiet ones first, the one in charge last. */
const roleOrder: readonly string[] = ['follower', 'backup', 'candidate', 'leader', 'primary'];

/** Colours for roles a lab invents (primary, backup, ...), handed out in order of appearance. */
const extraRoleColors: readonly string[] = ['#54a24b', '#eeca3b', '#ff9da6', '#9d755d', '#72b7b2', '#bab0ac'];

/** Colours of things that happen to nodes and the network, shared by all timelines. */
export const eventColors = {
  /** A node's crash (marker) and the time it is down (shading). */
  crash: '#d62728',
  down: '#999999',
  restart: '#2ca02c',
  /**
   * A message the network lost (a dropped request or reply): dark grey, as the crosses of the
   * space-time diagram. Not red: a lost message is the network's normal weather, not a crash.
   */
  dropped: '#333333',
  /** Network faults (partition changes, heals). */
  fault: '#9467bd',
  note: '#7f7f7f',
  /** A test failure or invariant violation: the spot to look at. */
  failure: '#e31a1c',
  /** A node in a partition, on the side with a majority of the nodes (can elect), or not (cut off). */
  majoritySide: '#74c476',
  minoritySide: '#525252',
} as const;

/** Colours of the MapReduce phases (Gantt chart, notebook 01). */
export const phaseColors: Readonly<Record<'map' | 'reduce', string>> = { map: '#4c78a8', reduce: '#f58518' };

/** Colours of a measured series against its ideal (speedup charts). */
export const seriesColors = { measured: '#4c78a8', ideal: '#7f7f7f' } as const;

/**
 * A Vega-Lite colour scale for `roles` (in the order given): the known roles keep their fixed
 * colours, unknown ones get the extra colours in order.
 *
 * @example
 *   color: { field: 'role', type: 'nominal', scale: roleColorScale(['follower', 'leader']) }
 */
export function roleColorScale(roles: readonly string[]): { domain: string[]; range: string[] } {
  const domain = orderedRoles(roles);
  let extra = 0;
  const range = domain.map((role) => roleColors[role] ?? extraRoleColors[extra++ % extraRoleColors.length] ?? '#bab0ac');
  return { domain, range };
}

/** Known roles first in a fixed order (follower, candidate, leader, ...), then the others as given. */
export function orderedRoles(roles: readonly string[]): string[] {
  const present = new Set(roles);
  const known = roleOrder.filter((role) => present.has(role));
  const others = [...present].filter((role) => !(role in roleColors));
  return [...known, ...others];
}
