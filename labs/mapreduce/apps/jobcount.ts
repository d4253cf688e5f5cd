import type { MapReduceApp } from '../types';

/**
 * Job count (jobcount.go): every map execution leaves a marker file and takes 2-5 s; the reduce
 * of key "a" counts the markers. The output "a 8" means each of the 8 map tasks ran once.
 */
export const jobcount: MapReduceApp = {
  name: 'jobcount',
  async map(_filename, _contents, env) {
    const prefix = `mr-worker-jobcount-${env.pid}-`;
    const count = (await env.files.list(prefix)).length;
    await env.files.write(`${prefix}${count}`, 'x');
    await env.sleep(env.randomInt(2_000, 5_000));
    return [{ key: 'a', value: 'x' }];
  },
  async reduce(_key, _values, env) {
    return String((await env.files.list('mr-worker-jobcount')).length);
  },
};
