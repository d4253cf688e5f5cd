import type { KeyValue, MapReduceApp } from '../types';
import { nparallel } from './parallel';

/**
 * Reduce parallelism (rtiming.go): every map emits the keys a..j; each reduce reports how many
 * reduces were running at once.
 */
export const rtiming: MapReduceApp = {
  name: 'rtiming',
  map() {
    return [...'abcdefghij'].map((key): KeyValue => ({ key, value: '1' }));
  },
  async reduce(_key, _values, env) {
    return String(await nparallel('reduce', env));
  },
};
