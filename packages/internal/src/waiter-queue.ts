/** A node of a {@link WaiterQueue}; keep it to remove the entry in O(1). */
export interface WaiterNode<T> {
  readonly value: T
  /** @internal */ prev: WaiterNode<T> | undefined
  /** @internal */ next: WaiterNode<T> | undefined
  /** @internal */ queued: boolean
}

/**
 * A FIFO of waiters (a doubly linked list) where any entry can leave in O(1), as an aborted waiter
 * must. No `Array#shift`, no scans.
 */
export class WaiterQueue<T> {
  #head: WaiterNode<T> | undefined
  #tail: WaiterNode<T> | undefined
  #length = 0

  get length(): number {
    return this.#length
  }

  push(value: T): WaiterNode<T> {
    const node: WaiterNode<T> = { value, prev: this.#tail, next: undefined, queued: true }
    if (this.#tail) this.#tail.next = node
    else this.#head = node
    this.#tail = node
    this.#length++
    return node
  }

  peek(): T | undefined {
    return this.#head?.value
  }

  /** Removes and returns the first waiter's value; `undefined` when empty. */
  shift(): T | undefined {
    const node = this.#head
    if (!node) return undefined
    this.remove(node)
    return node.value
  }

  /** Removes `node` if it is still queued; returns whether it was. */
  remove(node: WaiterNode<T>): boolean {
    if (!node.queued) return false
    node.queued = false
    if (node.prev) node.prev.next = node.next
    else this.#head = node.next
    if (node.next) node.next.prev = node.prev
    else this.#tail = node.prev
    node.prev = node.next = undefined
    this.#length--
    return true
  }

  /** Removes every waiter and returns their values in order. */
  drain(): T[] {
    const out: T[] = []
    for (let node = this.#head; node; node = node.next) {
      node.queued = false
      out.push(node.value)
    }
    this.#head = this.#tail = undefined
    this.#length = 0
    return out
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let node = this.#head; node; node = node.next) yield node.value
  }
}
