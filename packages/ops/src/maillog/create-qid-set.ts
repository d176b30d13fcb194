/** A set of queue ids kept as 64-bit hashes: 16 bytes a member, whatever the id's length. */
export interface QidSet {
  /** Adds the id; true when it was not there yet. */
  add(qid: string): boolean;
  has(qid: string): boolean;
  readonly size: number;
}

/**
 * Writes the two 32-bit hashes {@link createQidSet} keeps of a queue id into `out[0]`, `out[1]`.
 */
export function hashQid(qid: string, out: Uint32Array): void {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < qid.length; i++) {
    const c = qid.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  h1 >>>= 0;
  h2 >>>= 0;
  // (0, 0) marks an empty slot.
  if (h1 === 0 && h2 === 0) h2 = 1;
  out[0] = h1;
  out[1] = h2;
}

/**
 * Creates a compact set of queue ids (open addressing over two 32-bit FNV-1a hashes). Counting
 * "messages deferred at least once" over a gigabyte of log needs one member per deferred message;
 * a `Set<string>` costs ~60 bytes each, this costs 16. Two distinct ids collide with probability
 * ~2^-64 per pair, far below one miscount in any real log.
 */
export function createQidSet(initialCapacity = 1 << 14): QidSet {
  let capacity = 1;
  while (capacity < initialCapacity) capacity <<= 1;
  let slots = new Uint32Array(capacity * 2);
  let size = 0;

  const insert = (h1: number, h2: number): boolean => {
    const mask = capacity - 1;
    let i = h1 & mask;
    for (;;) {
      const a = slots[i * 2]!;
      const b = slots[i * 2 + 1]!;
      if (a === 0 && b === 0) {
        slots[i * 2] = h1;
        slots[i * 2 + 1] = h2;
        return true;
      }
      if (a === h1 && b === h2) return false;
      i = (i + 1) & mask;
    }
  };

  const find = (h1: number, h2: number): boolean => {
    const mask = capacity - 1;
    let i = h1 & mask;
    for (;;) {
      const a = slots[i * 2]!;
      const b = slots[i * 2 + 1]!;
      if (a === 0 && b === 0) return false;
      if (a === h1 && b === h2) return true;
      i = (i + 1) & mask;
    }
  };
  const h = new Uint32Array(2);
  const addHash = (h1: number, h2: number): boolean => {
    const added = insert(h1, h2);
    if (added) {
      size += 1;
      if (size * 2 > capacity) {
        const old = slots;
        capacity <<= 1;
        slots = new Uint32Array(capacity * 2);
        for (let j = 0; j < old.length; j += 2) {
          if (old[j] !== 0 || old[j + 1] !== 0) insert(old[j]!, old[j + 1]!);
        }
      }
    }
    return added;
  };

  const set: QidSet = {
    has(qid) {
      hashQid(qid, h);
      return find(h[0]!, h[1]!);
    },
    add(qid) {
      hashQid(qid, h);
      return addHash(h[0]!, h[1]!);
    },
    get size() {
      return size;
    },
  };
  return set;
}
