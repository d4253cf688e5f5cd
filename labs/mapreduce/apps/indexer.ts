import type { KeyValue, MapReduceApp } from '../types';

/**
 * Inverted index (indexer.go): for every word, the documents containing it. Output:
 * "<count> <doc1>,<doc2>,..." with documents sorted.
 */
export const indexer: MapReduceApp = {
  name: 'indexer',
  map(document, contents) {
    const words = new Set(contents.match(/\p{L}+/gu) ?? []);
    return [...words].map((word): KeyValue => ({ key: word, value: document }));
  },
  reduce(_key, values) {
    const documents = [...values].sort();
    return `${documents.length} ${documents.join(',')}`;
  },
};
