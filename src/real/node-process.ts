/**
 * `distlab node ...`: one real-mode node process. It loads the implementation (the compiled
 * module graph the runner wrote, so no TypeScript is loaded at restart), opens its store, binds
 * its socket, builds the implementation's lab-4 KVServer (over its RSM and Raft), and runs until
 * it is killed, told to stop (SIGTERM), or orphaned (its parent's IPC channel closes: a runner
 * never leaves nodes behind).
 *
 * Exit codes: 0 stopped cleanly, 2 bad input or start-up failure (the reason is on stderr),
 * 3 node code threw (the world's `stop` policy: a real node with a bug dies, visibly).
 */
import * as fs from 'node:fs';
import { z } from 'zod';
import type { CompiledGraph } from '../testing/module-graph';
import { evaluateGraph, preloadDistlab } from '../testing/module-graph';
import { FilePersister } from './file-persister';
import { Host } from './host';
import { kvraftClasses, kvServerNode, type KvraftClasses } from './kvraft-service';
import type { Address } from './zmq-endpoint';

export interface NodeProcessOptions {
  readonly id: string;
  readonly incarnation: number;
  readonly seed: number;
  readonly listen: Address;
  /** Every process by id (the nodes of the cluster, in Raft peer order, and the runner). */
  readonly peers: ReadonlyMap<string, Address>;
  /** The node ids that form the Raft group, in order (peers[me] is this node). */
  readonly group: readonly string[];
  readonly data: string;
  /** The compiled implementation (JSON of a `CompiledGraph`), written by the runner. */
  readonly graph: string;
  readonly controller: string | null;
  readonly rpcDeadlineMs: number;
}

const graphSchema = z.object({ entry: z.string(), modules: z.record(z.string(), z.string()) });

/** Loads the implementation's Raft, KVServer and Clerk from a compiled graph file; errors say which file and what is wrong. */
export async function kvraftFromGraph(file: string): Promise<KvraftClasses> {
  const parsed = graphSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a compiled implementation (write it with \`distlab cluster\`)`);
  const graph: CompiledGraph = parsed.data;
  await preloadDistlab(graph);
  return kvraftClasses(evaluateGraph(graph), graph.entry);
}

/** Starts the node; resolves once it serves. The process then lives until a signal or its parent ends it. */
export async function runNodeProcess(options: NodeProcessOptions): Promise<Host> {
  const me = options.group.indexOf(options.id);
  if (me < 0) throw new Error(`node id ${options.id} is not in the group ${options.group.join(', ')}`);
  const classes = await kvraftFromGraph(options.graph);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const host = new Host({
    id: options.id,
    incarnation: options.incarnation,
    seed: options.seed,
    listen: options.listen,
    peers: options.peers,
    persister: new FilePersister(options.data),
    controller: options.controller,
    rpcDeadlineMs: options.rpcDeadlineMs,
    log,
    onStop: (reason) => {
      process.stderr.write(`distlab node ${options.id}: ${reason}\n`);
      host.close();
      process.exit(3);
    },
  });
  const stop = () => {
    host.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // Orphan guard: the runner holds our IPC channel; when it goes (even by SIGKILL) we go.
  if (process.send !== undefined) process.once('disconnect', stop);
  await host.start(kvServerNode(classes, options.group, me));
  host.log(`node ${options.id} serving on ${options.listen.host}:${options.listen.port}`);
  process.send?.({ type: 'ready', id: options.id, pid: process.pid });
  return host;
}
