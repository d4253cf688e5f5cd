/**
 * What Raft's invariants read: observations of a run, from the trace (`node.role` events, which
 * the lab skeleton's becomeX() records) and from the tester (what start() accepted, what each
 * server applied). Plain data, so a notebook or the grader can rebuild them from a saved run.
 */
import type { TraceEvent } from '../../runtime';

export type RaftObservation =
  /** A server took a role in a term (trace `node.role`, or a getState() that reported leadership). */
  | { readonly kind: 'role'; readonly node: string; readonly role: string; readonly term: number; readonly atMs: number }
  /** start(command) on a server that reported itself leader: the entry it placed. */
  | { readonly kind: 'start'; readonly node: string; readonly term: number; readonly index: number; readonly command: unknown; readonly atMs: number }
  /** A server applied a committed command at an index. */
  | { readonly kind: 'apply'; readonly node: string; readonly index: number; readonly command: unknown; readonly atMs: number };

/** The role observations of a trace, in order. */
export function roleObservations(events: Iterable<TraceEvent>): RaftObservation[] {
  const roles: RaftObservation[] = [];
  for (const event of events) {
    if (event.type === 'node.role') roles.push({ kind: 'role', node: event.node, role: event.role, term: event.term, atMs: event.atMs });
  }
  return roles;
}

/** One command, shown short in violation details. */
export function describeCommand(command: unknown): string {
  const text = typeof command === 'string' ? JSON.stringify(command) : String(command);
  return text.length > 24 ? `${text.slice(0, 20)}…(${text.length} chars)` : text;
}
