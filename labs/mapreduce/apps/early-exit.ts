import type { MapReduceApp } from '../types';

/** Input files whose reduce is slow (the Go app sleeps for keys containing "sherlock" or "tom"). */
export const slowKeys = ['raven', 'declaration'] as const;

/**
 * Early exit (early_exit.go): the key is the file name, the output the number of times it was
 * seen; reduces for some files take 3 s, so a process that exits before the job is done is seen.
 */
export const earlyExit: MapReduceApp = {
  name: 'early_exit',
  map(filename) {
    return [{ key: filename, value: '1' }];
  },
  async reduce(key, values, env) {
    if (slowKeys.some((slow) => key.includes(slow))) await env.sleep(3_000);
    return String(values.length);
  },
};
