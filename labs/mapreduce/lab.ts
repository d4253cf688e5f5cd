/**
 * The MapReduce lab (Lab 1) as distlab's harness sees it: its tests, how to find the classes in
 * a submission, and its plot.
 */
import { ImplementationError, type Lab } from 'distlab/testing';
import { ganttSpec } from './gantt';
import { mapreduceTests } from './tests';
import type { CoordinatorClass, MapReduceImplementation, WorkerClass } from './types';

export const mapreduceLab: Lab<MapReduceImplementation> = {
  name: 'mapreduce',
  title: 'Lab 1: MapReduce',
  parts: ['MR'],
  tests: mapreduceTests,
  implementationFrom(exports) {
    const missing = ['Coordinator', 'Worker'].filter((name) => typeof exports[name] !== 'function');
    if (missing.length > 0) {
      throw new ImplementationError(
        `the MapReduce submission must export the classes Coordinator and Worker; missing: ${missing.join(', ')} ` +
          '(write `export class Coordinator { constructor(ctx, options) {...} done() {...} }` and ' +
          '`export class Worker { constructor(ctx, options) {...} async run() {...} }`)',
      );
    }
    return { Coordinator: exports.Coordinator as CoordinatorClass, Worker: exports.Worker as WorkerClass };
  },
  plots(world) {
    return [{ title: 'MapReduce tasks per worker', spec: ganttSpec(world.trace.events) }];
  },
};
