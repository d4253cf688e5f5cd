/** Reference solution of the MapReduce lab: the exports the lab's `implementationFrom` picks. */
export { Coordinator } from './coordinator';
export { Worker } from './worker';
