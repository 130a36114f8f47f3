import { RingQueue } from '@bigbuff/internal'

const CHUNK_BITS = 10
const CHUNK_SIZE = 1 << CHUNK_BITS
const CHUNK_MASK = CHUNK_SIZE - 1

/**
 * The storage behind a BigBuffer: an append-only sequence addressed by absolute offset (0 is the
 * first value ever appended), whose front can be dropped.
 *
 * Values live in fixed-size chunks held by a ring queue. Appending is O(1); reading any retained
 * offset is O(1) (two indexed loads); dropping n values from the front releases whole chunks in
 * O(1) each and clears at most one partial chunk, so it is O(n) at worst and never copies the
 * store. Every chunk but the last is full, so memory is one array slot per retained value plus at
 * most two chunks of slack.
 */
export class ChunkedLog<T> {
  readonly #chunks = new RingQueue<T[]>()
  /** Position of the first retained value inside the first chunk. */
  #head = 0
  #start = 0
  #end = 0

  /** Absolute offset of the oldest retained value. */
  get start(): number {
    return this.#start
  }

  /** Absolute offset the next appended value gets. */
  get end(): number {
    return this.#end
  }

  /** Number of retained values. */
  get size(): number {
    return this.#end - this.#start
  }

  push(value: T): void {
    const chunks = this.#chunks
    let tail = chunks.at(chunks.length - 1)
    if (tail === undefined || tail.length === CHUNK_SIZE) {
      tail = []
      chunks.push(tail)
    }
    tail.push(value)
    this.#end++
  }

  /** The value at absolute `offset`; the caller guarantees `start <= offset < end`. */
  at(offset: number): T {
    const position = offset - this.#start + this.#head
    return (this.#chunks.at(position >>> CHUNK_BITS) as T[])[position & CHUNK_MASK] as T
  }

  /** Drops the `count` oldest values; the caller guarantees `0 <= count <= size`. */
  drop(count: number): void {
    this.#start += count
    let remaining = count
    while (remaining > 0) {
      const chunk = this.#chunks.peek() as T[]
      const rest = CHUNK_SIZE - this.#head
      if (remaining >= rest) {
        this.#chunks.shift()
        this.#head = 0
        remaining -= rest
      } else {
        // Release the references without leaving holes, so the chunk stays a packed array.
        ;(chunk as unknown[]).fill(undefined, this.#head, this.#head + remaining)
        this.#head += remaining
        remaining = 0
      }
    }
  }

  /** A copy of the retained values, oldest first. */
  toArray(): T[] {
    const size = this.size
    const out = new Array<T>(size)
    for (let i = 0; i < size; i++) out[i] = this.at(this.#start + i)
    return out
  }
}
