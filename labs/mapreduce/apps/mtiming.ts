import type { MapReduceApp } from '../types';
import { joinSorted, nparallel } from './parallel';

/**
 * Map parallelism (mtiming.go): each map records the process that ran it ("times-<pid>") and
 * how many maps were running at once ("parallel-<pid>").
 */
export const mtiming: MapReduceApp = {
  name: 'mtiming',
  async map(_filename, _contents, env) {
    const startedMs = env.now();
    const running = await nparallel('map', env);
    return [
      { key: `times-${env.pid}`, value: (startedMs / 1000).toFixed(1) },
      { key: `parallel-${env.pid}`, value: String(running) },
    ];
  },
  reduce(_key, values) {
    return joinSorted(values);
  },
};
