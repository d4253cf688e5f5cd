/**
 * The MapReduce worker (reference solution): asks the coordinator for a task, runs it, writes
 * its output to a temporary file and renames it into place (atomic), reports, and repeats;
 * exits when the coordinator says so or can no longer be reached.
 */
import type { NodeContext } from 'distlab';
import { ihash, type KeyValue, type WorkerNode, type WorkerOptions } from '../../../labs/mapreduce/types';
import type { ReportTaskArgs, TaskReply } from './rpc';

// BEGIN SOLUTION
/** Requests one worker makes at most (every loop is bounded). */
export const requestsMax = 100_000;

/** Intermediate file of map task `map` for reduce task `reduce` (the handout's mr-X-Y). */
export function intermediateName(map: number, reduce: number): string {
  return `mr-${map}-${reduce}`;
}

export function encodePairs(pairs: readonly KeyValue[]): string {
  return pairs.map((pair) => `${JSON.stringify([pair.key, pair.value])}\n`).join('');
}

export function decodePairs(data: string): KeyValue[] {
  return data
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [key, value] = JSON.parse(line) as [string, string];
      return { key, value };
    });
}

/** Pairs sorted by key, grouped: what reduce is called with, once per key. */
export function groupSorted(pairs: readonly KeyValue[]): Array<{ key: string; values: string[] }> {
  const sorted = [...pairs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const groups: Array<{ key: string; values: string[] }> = [];
  for (const pair of sorted) {
    const last = groups[groups.length - 1];
    if (last !== undefined && last.key === pair.key) last.values.push(pair.value);
    else groups.push({ key: pair.key, values: [pair.value] });
  }
  return groups;
}
// END SOLUTION

export class Worker implements WorkerNode {
  constructor(
    protected readonly ctx: NodeContext,
    protected readonly options: WorkerOptions,
  ) {}

  async run(): Promise<void> {
    // BEGIN SOLUTION
    for (let request = 0; request < requestsMax; request += 1) {
      const reply = await this.ctx.call<TaskReply>(this.options.coordinator, 'GetTask', {});
      if (!reply.ok) return; // the coordinator is gone: the job is over
      const task = reply.value;
      if (task.kind === 'exit') return;
      if (task.kind === 'wait') {
        await this.ctx.sleep(task.ms);
        continue;
      }
      if (task.kind === 'map') await this.runMap(task.task, task.file, task.nReduce);
      else await this.runReduce(task.task, task.nMap);
      const report: ReportTaskArgs = { kind: task.kind, task: task.task };
      const reported = await this.ctx.call(this.options.coordinator, 'ReportTask', report);
      if (!reported.ok) return;
    }
    throw new Error(`worker ${this.ctx.id} made ${requestsMax} requests without being told to exit`);
    // END SOLUTION
  }

  // BEGIN SOLUTION
  /** Writes `data` to a temporary file, then renames it to `name`: readers never see a partial file. */
  protected async writeAtomically(name: string, data: string): Promise<void> {
    const temporary = `mr-tmp-${this.ctx.id}-${this.ctx.incarnation}-${name}`;
    await this.options.files.write(temporary, data);
    await this.options.files.rename(temporary, name);
  }

  protected async runMap(task: number, file: string, nReduce: number): Promise<void> {
    const contents = await this.options.files.read(file);
    if (contents === null) throw new Error(`map task ${task}: input file ${file} does not exist`);
    const pairs = await this.options.app.map(file, contents);
    const buckets: KeyValue[][] = Array.from({ length: nReduce }, () => []);
    for (const pair of pairs) buckets[ihash(pair.key) % nReduce]?.push(pair);
    for (let reduce = 0; reduce < nReduce; reduce += 1) {
      await this.writeAtomically(intermediateName(task, reduce), encodePairs(buckets[reduce] ?? []));
    }
  }

  protected async readIntermediate(task: number, nMap: number): Promise<KeyValue[]> {
    const pairs: KeyValue[] = [];
    for (let map = 0; map < nMap; map += 1) {
      const data = await this.options.files.read(intermediateName(map, task));
      if (data === null) throw new Error(`reduce task ${task}: ${intermediateName(map, task)} is missing`);
      pairs.push(...decodePairs(data));
    }
    return pairs;
  }

  protected async runReduce(task: number, nMap: number): Promise<void> {
    const groups = groupSorted(await this.readIntermediate(task, nMap));
    let output = '';
    for (const group of groups) output += `${group.key} ${await this.options.app.reduce(group.key, group.values)}\n`;
    await this.writeAtomically(`mr-out-${task}`, output);
  }
  // END SOLUTION
}
