/**
 * distlab: a deterministic simulator for message-passing systems.
 *
 * The student's whole world is here: `World` (the simulation), `NodeContext` (what a node
 * sees), RPC results, the persister, the trace and its event types. Checkers live in
 * `distlab/check`, plots in `distlab/plot`, test scenarios in `distlab/testing`.
 */
export * from './runtime';
