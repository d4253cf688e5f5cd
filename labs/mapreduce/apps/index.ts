/** The MapReduce applications: the two real ones and the Go lab's test apps. */
export { wc } from './wc';
export { indexer } from './indexer';
export { mtiming } from './mtiming';
export { rtiming } from './rtiming';
export { jobcount } from './jobcount';
export { earlyExit, slowKeys } from './early-exit';
export { crash, nocrash } from './crash';
export { nparallel } from './parallel';
