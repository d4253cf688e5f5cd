/**
 * The lab-5 reference as one implementation: the configuration functions, the shard group
 * server, the controller and the Clerk, over the references of lab 2 (the server that stores
 * configurations), lab 3 (Raft) and lab 4 (RSM). Instructor material: never in the handout.
 */
export { Raft } from '../raft/raft';
export { RSM } from '../kvraft/rsm';
export { KVServer, Clerk as KVClerk } from '../kvsrv/kvsrv';
export { joinBalance, leaveBalance, makeShardConfig } from './shardcfg';
export { ShardServer } from './group';
export { ShardCtrler } from './ctrler';
export { Clerk } from './clerk';
