/**
 * `distlab node --id ID --listen HOST:PORT --peers ID=HOST:PORT,... --group ID,ID,... --data DIR
 *  (--graph FILE | --impl FILE)`: one real-mode node process (lab 4's KVServer over its Raft).
 * `distlab cluster` starts these for you; start them by hand to spread a cluster over machines.
 * It runs until SIGTERM/SIGINT, or until the process that started it goes away.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { NodeProcessOptions } from '../../real/node-process';
import type { Address } from '../../real/zmq-endpoint';

/** The node's options as parsed (the implementation given as --graph or --impl). */
interface NodeCommandOptions extends Omit<NodeProcessOptions, 'graph' | 'controller'> {
  readonly graph?: string;
  readonly impl?: string;
  readonly lab: string;
  readonly controller?: string;
}

export function nodeCommand(): Command {
  return new Command('node')
    .description("run one real-mode node (lab 4's KVServer over its Raft) on ZeroMQ; `distlab cluster` starts these for you")
    .requiredOption('--id <id>', "this node's id (one of --group)")
    .requiredOption('--listen <host:port>', 'address to listen on', address)
    .requiredOption('--peers <list>', 'every other process: id=host:port,... (the nodes and the runner)', peerList)
    .requiredOption('--group <ids>', 'the Raft group, in order: id,id,...', (text: string) => text.split(',').filter((id) => id.length > 0))
    .requiredOption('--data <dir>', "folder for this node's persisted state (survives kill -9)")
    .option('--graph <file>', 'compiled implementation written by `distlab cluster`')
    .option('--impl <file>', 'implementation .ts or .ipynb (compiled here; default: the reference, when grading/ is present)')
    .option('--lab <lab>', 'the lab whose implementation --impl is', 'kvraft')
    .option('--incarnation <n>', '0 for the first start, one more per restart', nonNegativeInteger, 0)
    .option('--seed <s>', 'seed of ctx.random()', nonNegativeInteger, 1)
    .option('--controller <id>', 'the only peer whose control frames (partitions, latency) are obeyed')
    .option('--rpc-deadline-ms <ms>', 'a call without a reply fails after this long', nonNegativeInteger, 1_000)
    .action(async (options: NodeCommandOptions) => {
      try {
        await startNode(options);
      } catch (error) {
        process.stderr.write(`distlab node ${options.id}: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(2);
      }
    });
}

async function startNode(options: NodeCommandOptions): Promise<void> {
  const { runNodeProcess } = await import('../../real/node-process.js');
  let graph = options.graph;
  if (graph === undefined) {
    const { compileForCluster } = await import('../../real/implementation.js');
    graph = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'distlab-node-')), 'impl.json');
    await compileForCluster(options.lab, options.impl === undefined ? null : path.resolve(options.impl), graph);
  }
  await runNodeProcess({ ...options, data: path.resolve(options.data), graph, controller: options.controller ?? null });
}

export function address(text: string): Address {
  const match = /^([^:\s]+):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[2]);
  if (match === null || !(port > 0 && port < 65536)) throw new InvalidArgumentError(`expected HOST:PORT (e.g. 127.0.0.1:7001), got ${JSON.stringify(text)}`);
  return { host: match[1] as string, port };
}

function peerList(text: string): Map<string, Address> {
  const peers = new Map<string, Address>();
  for (const part of text.split(',').filter((item) => item.length > 0)) {
    const [id, where] = part.split('=');
    if (id === undefined || id.length === 0 || where === undefined) throw new InvalidArgumentError(`expected id=host:port, got ${JSON.stringify(part)}`);
    peers.set(id, address(where));
  }
  return peers;
}

function nonNegativeInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new InvalidArgumentError(`expected a non-negative integer, got ${JSON.stringify(text)}`);
  return value;
}
