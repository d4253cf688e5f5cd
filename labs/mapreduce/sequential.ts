/**
 * The sequential reference (the Go lab's mrsequential.go): runs map over every input, sorts the
 * intermediate pairs by key, runs reduce once per key, and returns the output lines
 * "<key> <value>" in key order. The tests compare the sorted union of `mr-out-*` with it.
 */
import { FileSystem } from './file-system';
import type { AppEnvironment, KeyValue, MapReduceApp, WorkerFiles } from './types';
import type { InputFile } from './inputs';

/** Keys with the same value are grouped; keys sorted by code unit, like Go's string sort. */
export function groupByKey(pairs: readonly KeyValue[]): Array<{ key: string; values: string[] }> {
  const sorted = [...pairs].sort((a, b) => compareStrings(a.key, b.key));
  const groups: Array<{ key: string; values: string[] }> = [];
  for (const pair of sorted) {
    const last = groups[groups.length - 1];
    if (last !== undefined && last.key === pair.key) last.values.push(pair.value);
    else groups.push({ key: pair.key, values: [pair.value] });
  }
  return groups;
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Runs `app` sequentially over `inputs`; the result lines are in key order. */
export async function runSequential(app: MapReduceApp, inputs: readonly InputFile[]): Promise<string[]> {
  const env = sequentialEnvironment(app.name);
  const pairs: KeyValue[] = [];
  for (const input of inputs) pairs.push(...(await app.map(input.name, input.contents, env)));
  const lines: string[] = [];
  for (const group of groupByKey(pairs)) lines.push(`${group.key} ${await app.reduce(group.key, group.values, env)}`);
  return lines;
}

function sequentialEnvironment(appName: string): AppEnvironment {
  const fs = new FileSystem();
  const files: WorkerFiles = {
    read: async (name) => fs.read(name),
    write: async (name, data) => fs.write(name, data),
    append: async (name, data) => fs.append(name, data),
    rename: async (from, to) => fs.rename(from, to),
    remove: async (name) => fs.remove(name),
    list: async (prefix) => fs.list(prefix),
  };
  return {
    pid: 'sequential',
    processAlive: (pid) => pid === 'sequential',
    files,
    sleep: async () => {},
    randomInt: () => {
      throw new Error(`the ${appName} app draws random numbers; it cannot run sequentially`);
    },
    now: () => 0,
    crash: () => {
      throw new Error(`the ${appName} app crashes workers; run its nocrash twin sequentially`);
    },
  };
}
