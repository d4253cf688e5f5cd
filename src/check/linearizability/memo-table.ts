/**
 * The checker's memo table: the set of (linearized operations, model state) configurations the
 * search has already committed to. Open addressing over flat typed arrays, so an insert allocates
 * nothing but the occasional doubling: the old table (a `Map` of arrays of `{ bits, state }`
 * records, one `bits.slice()` per insert) spent a third of the search in allocation and GC.
 *
 * A configuration is keyed by a 32-bit hash (the Zobrist hash of the set combined with the
 * state's hash); a match is confirmed on the state hash, the exact bitset and `equal`.
 *
 * Only the window of the bitset that is neither all ones nor all zeros is stored: words below
 * `low` are full, words from `high` on are empty. The search numbers operations by call time, so
 * on a long history the window is about as wide as the concurrency, not the history (a 20,000-op
 * history stored 2.5 KB per configuration before, a few words now).
 */
export class MemoTable {
  /** Slot -> entry index + 1 (0 = empty). Length is a power of two. */
  private slots: Int32Array;
  /** Per entry: its combined key and its state hash. */
  private keys: Int32Array;
  private stateHashes: Int32Array;
  /** Per entry: the first stored word, where its window starts in the pool, and its length. */
  private lows: Int32Array;
  private offsets: Int32Array;
  private lengths: Int32Array;
  /** Every entry's window of the linearized-set bitset, back to back. */
  private bitsPool: Uint32Array;
  private poolUsed = 0;
  private readonly states: unknown[] = [];
  private count = 0;

  constructor(private readonly equal: (a: unknown, b: unknown) => boolean) {
    const capacity = 1024;
    this.slots = new Int32Array(capacity * 2);
    this.keys = new Int32Array(capacity);
    this.stateHashes = new Int32Array(capacity);
    this.lows = new Int32Array(capacity);
    this.offsets = new Int32Array(capacity);
    this.lengths = new Int32Array(capacity);
    this.bitsPool = new Uint32Array(capacity * 4);
  }

  get size(): number {
    return this.count;
  }

  /**
   * Adds the configuration; false when it was already there (already explored). `bits` words
   * below `low` must be all ones and words from `high` on all zeros.
   */
  insert(bits: Uint32Array, low: number, high: number, bitsHash: number, state: unknown, stateHash: number): boolean {
    const key = (bitsHash ^ Math.imul(stateHash, 0x9e3779b1)) | 0;
    const mask = this.slots.length - 1;
    let slot = mix(key) & mask;
    for (;;) {
      const stored = this.slots[slot];
      if (stored === 0) break;
      const entry = stored - 1;
      if (this.keys[entry] === key && this.stateHashes[entry] === stateHash && this.sameBits(entry, bits, low, high) && this.equal(this.states[entry], state)) return false;
      slot = (slot + 1) & mask;
    }
    if (this.count === this.keys.length) {
      this.grow();
      slot = mix(key) & (this.slots.length - 1);
      while (this.slots[slot] !== 0) slot = (slot + 1) & (this.slots.length - 1);
    }
    this.store(slot, bits, low, high, key, state, stateHash);
    return true;
  }

  private store(slot: number, bits: Uint32Array, low: number, high: number, key: number, state: unknown, stateHash: number): void {
    const entry = this.count++;
    const length = Math.max(0, high - low);
    if (this.poolUsed + length > this.bitsPool.length) {
      const pool = new Uint32Array(Math.max(this.bitsPool.length * 2, this.poolUsed + length));
      pool.set(this.bitsPool.subarray(0, this.poolUsed));
      this.bitsPool = pool;
    }
    this.slots[slot] = entry + 1;
    this.keys[entry] = key;
    this.stateHashes[entry] = stateHash;
    this.lows[entry] = low;
    this.offsets[entry] = this.poolUsed;
    this.lengths[entry] = length;
    for (let word = 0; word < length; word++) this.bitsPool[this.poolUsed + word] = bits[low + word];
    this.poolUsed += length;
    this.states.push(state);
  }

  private sameBits(entry: number, bits: Uint32Array, low: number, high: number): boolean {
    const length = Math.max(0, high - low);
    if (this.lows[entry] !== low || this.lengths[entry] !== length) return false;
    const pool = this.bitsPool;
    const base = this.offsets[entry] - low;
    for (let word = low; word < high; word++) if (pool[base + word] !== bits[word]) return false;
    return true;
  }

  /** Doubles entry storage and the slot array (load factor stays at most 1/2), rehashing slots. */
  private grow(): void {
    const capacity = this.keys.length * 2;
    const keys = (this.keys = doubled(this.keys, capacity));
    this.stateHashes = doubled(this.stateHashes, capacity);
    this.lows = doubled(this.lows, capacity);
    this.offsets = doubled(this.offsets, capacity);
    this.lengths = doubled(this.lengths, capacity);
    const slots = new Int32Array(capacity * 2);
    const mask = slots.length - 1;
    for (let entry = 0; entry < this.count; entry++) {
      let slot = mix(keys[entry]) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    this.slots = slots;
  }
}

function doubled(values: Int32Array, capacity: number): Int32Array {
  const copy = new Int32Array(capacity);
  copy.set(values);
  return copy;
}

/** A murmur3 finalizer: spreads a key over the low bits used as the slot index. */
function mix(key: number): number {
  let hash = key ^ (key >>> 16);
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}
