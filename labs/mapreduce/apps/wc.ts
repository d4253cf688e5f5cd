import type { KeyValue, MapReduceApp } from '../types';

/** Word count (the Go lab's wc.go): every run of letters is a word; the output is its count. */
export const wc: MapReduceApp = {
  name: 'wc',
  map(_filename, contents) {
    const words = contents.match(/\p{L}+/gu) ?? [];
    return words.map((word): KeyValue => ({ key: word, value: '1' }));
  },
  reduce(_key, values) {
    return String(values.length);
  },
};
