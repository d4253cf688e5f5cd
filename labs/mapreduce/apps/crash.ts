import type { AppEnvironment, KeyValue, MapReduceApp } from '../types';

/** crash.go's maybeCrash: a third of calls kill the worker, a third stall up to 10 s. */
async function maybeCrash(env: AppEnvironment): Promise<void> {
  const roll = env.randomInt(0, 999);
  if (roll < 330) await env.crash();
  else if (roll < 660) await env.sleep(env.randomInt(0, 10_000));
}

function crashMap(filename: string, contents: string): KeyValue[] {
  return [
    { key: 'a', value: filename },
    { key: 'b', value: String(filename.length) },
    { key: 'c', value: String(contents.length) },
    { key: 'd', value: 'xyzzy' },
  ];
}

function crashReduce(values: readonly string[]): string {
  return [...values].sort().join(' ');
}

/** The crash app (crash.go): the nocrash output, with workers dying and stalling on the way. */
export const crash: MapReduceApp = {
  name: 'crash',
  async map(filename, contents, env) {
    await maybeCrash(env);
    return crashMap(filename, contents);
  },
  async reduce(_key, values, env) {
    await maybeCrash(env);
    return crashReduce(values);
  },
};

/** nocrash.go: the same job without faults, whose sequential output the crash test expects. */
export const nocrash: MapReduceApp = {
  name: 'nocrash',
  map: (filename, contents) => crashMap(filename, contents),
  reduce: (_key, values) => crashReduce(values),
};
