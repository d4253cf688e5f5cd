/**
 * Your labs 2, 3 and 4, as lab 5 uses them: lab 2's server (it stores the configurations) and
 * its Clerk (the controller talks to it), lab 3's Raft and lab 4's RSM (the shard groups run on
 * them). Each is taken from your earlier lab's notebook as it is now, never from a copy, with
 * `fromLab` (distlab/testing): the notebook's implementation cells are compiled at the first
 * `new`, so a fix to lab 3 reaches lab 5 the next time the tests run. Did a lab in its `.ts`
 * module instead? Write its path, e.g. '../raft/raft.ts'. When you submit, upload these files
 * with your lab-5 work (the grader finds them beside it).
 *
 * Example (what shardkv.ts re-exports, and the first code cells of shardkv.ipynb):
 * ```ts
 * const here = { relativeTo: __dirname, require };   // in the notebook: { require: require }
 * export const Raft = fromLab<RaftClass>('../raft/raft.ipynb', 'Raft', here);
 * ```
 */
import { fromLab } from 'distlab/testing';
import type { KVClerkClass, KVServerClass, RaftClass, RSMClass } from './types';

/**
 * The earlier labs' paths below are relative to this folder (labs/shardkv); `require` lets the
 * grader hand over the earlier labs it compiled with this one (see fromLab).
 */
const here = { relativeTo: __dirname, require };

// notebook: earlier-labs
export const KVServer = fromLab<KVServerClass>('../kvsrv/kvsrv.ipynb', 'KVServer', here);
export const KVClerk = fromLab<KVClerkClass>('../kvsrv/kvsrv.ipynb', 'Clerk', here);
export const Raft = fromLab<RaftClass>('../raft/raft.ipynb', 'Raft', here);
export const RSM = fromLab<RSMClass>('../kvraft/kvraft.ipynb', 'RSM', here);
