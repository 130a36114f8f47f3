/**
 * The link fields an item of a {@link LinkQueue} carries itself (every {@link Waiter} has them).
 * Public because the queue reads them; nothing else touches them.
 */
export interface Linked {
  prev: Linked | undefined
  next: Linked | undefined
  linked: boolean
}

/**
 * The one intrusive FIFO of `@bigbuff/*`: the waiters are the list nodes, so parking one allocates nothing more, and any
 * waiter (an aborted one, a select's other cases) leaves in O(1). An item is in one queue at most.
 */
export class LinkQueue<T extends Linked> {
  #head: T | undefined
  #tail: T | undefined
  #length = 0

  get length(): number {
    return this.#length
  }

  push(item: T): void {
    item.prev = this.#tail
    item.next = undefined
    item.linked = true
    if (this.#tail === undefined) this.#head = item
    else this.#tail.next = item
    this.#tail = item
    this.#length++
  }

  /** The first item, left in place; `undefined` when empty. */
  peek(): T | undefined {
    return this.#head
  }

  /** Removes and returns the first item; `undefined` when empty. */
  shift(): T | undefined {
    const item = this.#head
    if (item !== undefined) this.remove(item)
    return item
  }

  /** Removes `item` if it is in this queue; returns whether it was. */
  remove(item: T): boolean {
    if (!item.linked) return false
    item.linked = false
    const { prev, next } = item
    if (prev === undefined) this.#head = next as T | undefined
    else prev.next = next
    if (next === undefined) this.#tail = prev as T | undefined
    else next.prev = prev
    item.prev = item.next = undefined
    this.#length--
    return true
  }

  /** Removes every item and returns them in order. */
  drain(): T[] {
    const items: T[] = []
    for (let item = this.shift(); item !== undefined; item = this.shift()) items.push(item)
    return items
  }

  /** The items in order. Do not remove items while iterating. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let item = this.#head; item !== undefined; item = item.next as T | undefined) yield item
  }
}
