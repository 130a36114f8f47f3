import { type Linked, LinkQueue } from './link-queue.js'

/** A node of a {@link WaiterQueue}; keep it to remove the entry in O(1). */
export interface WaiterNode<T> extends Linked {
  readonly value: T
}

/**
 * A {@link LinkQueue} of plain values, for waiters that are not {@link Waiter} objects themselves:
 * each value gets a node, and any node leaves in O(1), as an aborted waiter must.
 */
export class WaiterQueue<T> {
  readonly #queue = new LinkQueue<WaiterNode<T>>()

  get length(): number {
    return this.#queue.length
  }

  push(value: T): WaiterNode<T> {
    const node: WaiterNode<T> = { value, prev: undefined, next: undefined, linked: false }
    this.#queue.push(node)
    return node
  }

  peek(): T | undefined {
    return this.#queue.peek()?.value
  }

  /** Removes and returns the first waiter's value; `undefined` when empty. */
  shift(): T | undefined {
    return this.#queue.shift()?.value
  }

  /** Removes `node` if it is still queued; returns whether it was. */
  remove(node: WaiterNode<T>): boolean {
    return this.#queue.remove(node)
  }

  /** Removes every waiter and returns their values in order. */
  drain(): T[] {
    return this.#queue.drain().map((node) => node.value)
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (const node of this.#queue) yield node.value
  }
}
