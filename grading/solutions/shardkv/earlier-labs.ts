/**
 * The instructor notebook's earlier labs (grading/solutions/shardkv/shardkv.ipynb, built from
 * shardkv.notebook.md): the references of labs 2, 3 and 4, loaded with `fromLab` as a student's
 * notebook loads their own (labs/shardkv/earlier-labs.ts). The reference module (index.ts)
 * imports the references directly instead, so that mutants written elsewhere still find them.
 */
import { fromLab } from 'distlab/testing';
import type { KVClerkClass, KVServerClass, RaftClass, RSMClass } from '../../../labs/shardkv/types';

/** The paths below are relative to this folder (grading/solutions/shardkv). */
const here = { relativeTo: __dirname, require };

// notebook: earlier-labs
export const KVServer = fromLab<KVServerClass>('../kvsrv/kvsrv.ts', 'KVServer', here);
export const KVClerk = fromLab<KVClerkClass>('../kvsrv/kvsrv.ts', 'Clerk', here);
export const Raft = fromLab<RaftClass>('../raft/raft.ts', 'Raft', here);
export const RSM = fromLab<RSMClass>('../kvraft/kvraft.ts', 'RSM', here);
