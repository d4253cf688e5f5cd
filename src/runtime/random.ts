import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { UsageError } from './errors';

type Generator = ReturnType<typeof xoroshiro128plus>;

/**
 * A seeded random source (xoroshiro128+ from pure-rand). The world owns one per seed and
 * derives independent streams from it by label (`fork('network')`), so that a node drawing one
 * more random number does not shift every network fault that follows.
 *
 * Example: `const random = new Random(42); random.int(0, 9); random.chance(0.1);`
 */
export class Random {
  private readonly generator: Generator;

  constructor(readonly seed: number) {
    if (!Number.isSafeInteger(seed)) throw new UsageError(`seed must be a safe integer, got ${seed}`);
    this.generator = xoroshiro128plus((seed | 0) ^ Math.floor(seed / 2 ** 32));
  }

  /** An independent stream derived from this seed and a label. */
  fork(label: string): Random {
    return new Random(mix(this.seed, label));
  }

  /** A float in [0, 1). */
  float(): number {
    // 53 random bits from two 32-bit draws.
    const high = (this.generator.next() >>> 0) >>> 5; // 27 bits
    const low = (this.generator.next() >>> 0) >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
      throw new UsageError(`random int range must be integers with min <= max, got [${min}, ${max}]`);
    }
    return uniformInt(this.generator, min, max);
  }

  /** True with the given probability. */
  chance(probability: number): boolean {
    if (probability <= 0) return false;
    if (probability >= 1) return true;
    return this.float() < probability;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new UsageError('cannot pick from an empty array');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let index = copy.length - 1; index > 0; index--) {
      const other = this.int(0, index);
      [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
    }
    return copy;
  }
}

/** Mixes a seed and a label into a new 32-bit seed (FNV-1a over the label, then a murmur finalizer). */
function mix(seed: number, label: string): number {
  let hash = 0x811c9dc5 ^ (seed | 0) ^ Math.floor(seed / 2 ** 32);
  for (let index = 0; index < label.length; index++) {
    hash ^= label.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
