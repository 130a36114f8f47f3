/**
 * A FIFO queue on a power-of-two ring buffer: O(1) push and shift with no `Array#shift`, and
 * random access by position for peeking. Grows by doubling; shrinks when a quarter full.
 */
export class RingQueue<T> {
  #items: (T | undefined)[]
  #head = 0
  #length = 0
  #mask: number

  constructor(initialCapacity = 16) {
    let capacity = 16
    while (capacity < initialCapacity) capacity *= 2
    this.#items = new Array<T | undefined>(capacity)
    this.#mask = capacity - 1
  }

  get length(): number {
    return this.#length
  }

  push(value: T): void {
    if (this.#length === this.#items.length) this.#resize(this.#items.length * 2)
    this.#items[(this.#head + this.#length) & this.#mask] = value
    this.#length++
  }

  /** Removes and returns the first value; `undefined` when empty (check `length` first). */
  shift(): T | undefined {
    if (this.#length === 0) return undefined
    const value = this.#items[this.#head]
    this.#items[this.#head] = undefined
    this.#head = (this.#head + 1) & this.#mask
    this.#length--
    if (this.#items.length > 64 && this.#length * 4 <= this.#items.length)
      this.#resize(this.#items.length / 2)
    return value
  }

  /** The value at position `index` from the front (0 is the first); `undefined` out of range. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.#length) return undefined
    return this.#items[(this.#head + index) & this.#mask]
  }

  peek(): T | undefined {
    return this.at(0)
  }

  /** Removes every value, releasing references. */
  clear(): void {
    this.#items = new Array<T | undefined>(16)
    this.#mask = 15
    this.#head = 0
    this.#length = 0
  }

  toArray(): T[] {
    const out = new Array<T>(this.#length)
    for (let i = 0; i < this.#length; i++) out[i] = this.#items[(this.#head + i) & this.#mask] as T
    return out
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.#length; i++) yield this.#items[(this.#head + i) & this.#mask] as T
  }

  #resize(capacity: number): void {
    const next = new Array<T | undefined>(capacity)
    for (let i = 0; i < this.#length; i++) next[i] = this.#items[(this.#head + i) & this.#mask]
    this.#items = next
    this.#head = 0
    this.#mask = capacity - 1
  }
}
