// Each record's current version while a file is bulk loaded, kept in memory rather than in an
// index of the file. Record ids may be in no order (an import derives them from keys; only the
// API's new ones are time-ordered): an index keyed by them takes a random page for every record
// a batch creates or corrects, and each commit wrote those pages to the WAL
// again (at 1,000,000 events, half of all it wrote). Here a record id is two 32-bit hashes, and
// its version a number: 16 bytes a slot in flat arrays, 16 MB for 700,000 records, where a Map of
// UUID strings took about 60 MB. The file's own index is built once the load is done, or as soon
// as the table is full (MAX_SLOTS).
//
// Two ids may share both hashes (about one chance in 10^7 with millions of records): then one
// slot holds either's version. The writer checks the id of the version it reads back and, on a
// mismatch, looks the record up in the file the slow way, so an answer is never wrong.

/** The two hashes of the last id hashed (module state: no allocation per lookup). */
let hashA = 0;
let hashB = 0;

/** FNV-1a and a multiplicative hash with a different seed, over the id's UTF-16 code units. */
function hashId(id: string): void {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  hashA = a >>> 0;
  hashB = (b ^ (b >>> 13)) >>> 0;
}

const FIRST_CAPACITY = 1 << 12;
/**
 * The most slots (16 bytes each) the table grows to: 32 MB, room for 1,570,000 records. A larger
 * archive's load goes on with the index in the file (see TimelineWriter), slower but in bounded
 * memory.
 */
export const MAX_SLOTS = 1 << 21;

export class CurrentVersions {
  /** Two hashes per slot; a slot is empty while its version is 0. */
  private hashes: Uint32Array;
  private versions: Float64Array;
  private count = 0;

  /** `maxSlots`: a power of two. */
  constructor(private readonly maxSlots = MAX_SLOTS) {
    const slots = Math.min(FIRST_CAPACITY, maxSlots);
    this.hashes = new Uint32Array(slots * 2);
    this.versions = new Float64Array(slots);
  }

  get size(): number {
    return this.count;
  }

  /** Whether it holds as many records as it may: stop setting and look them up elsewhere. */
  get full(): boolean {
    return this.count * 4 > this.versions.length * 3;
  }

  /** The version last set for the id (or for one sharing its hashes); undefined if none was. */
  get(id: string): number | undefined {
    hashId(id);
    const slot = this.find(hashA, hashB);
    return this.versions[slot] === 0 ? undefined : this.versions[slot];
  }

  /** Sets the id's current version (a version id counts from 1). */
  set(id: string, version: number): void {
    hashId(id);
    this.put(hashA, hashB, version);
  }

  private put(a: number, b: number, version: number): void {
    const slot = this.find(a, b);
    if (this.versions[slot] === 0) {
      this.hashes[slot * 2] = a;
      this.hashes[slot * 2 + 1] = b;
      this.count += 1;
    }
    this.versions[slot] = version;
    if (this.full && this.versions.length * 2 <= this.maxSlots) this.grow();
  }

  /** The slot holding these hashes, or the empty one where they would go (linear probing). */
  private find(a: number, b: number): number {
    const mask = this.versions.length - 1;
    for (let slot = (a ^ Math.imul(b, 0x9e3779b1)) & mask; ; slot = (slot + 1) & mask) {
      if (this.versions[slot] === 0 || (this.hashes[slot * 2] === a && this.hashes[slot * 2 + 1] === b)) return slot;
    }
  }

  private grow(): void {
    const { hashes, versions } = this;
    this.hashes = new Uint32Array(hashes.length * 2);
    this.versions = new Float64Array(versions.length * 2);
    this.count = 0;
    for (let slot = 0; slot < versions.length; slot++) {
      if (versions[slot] !== 0) this.put(hashes[slot * 2], hashes[slot * 2 + 1], versions[slot]);
    }
  }
}
