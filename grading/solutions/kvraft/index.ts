/**
 * The lab-4 reference as one implementation: the reference RSM, key/value server and Clerk
 * over the reference Raft (grading/solutions/raft). Instructor material: never in the handout.
 */
export { Raft } from '../raft/raft';
export { RSM, KVServer, Clerk } from './kvraft';
