/** The reference RSM, where lab 5's shard groups import it from (grading/solutions/shardkv). */
export { RSM } from './kvraft';
