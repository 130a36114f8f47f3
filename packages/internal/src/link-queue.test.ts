import { describe, expect, it } from 'vitest'
import { type Linked, LinkQueue } from './link-queue.js'

interface Item extends Linked {
  readonly id: number
}

const item = (id: number): Item => ({ id, prev: undefined, next: undefined, linked: false })
const ids = (queue: LinkQueue<Item>): number[] => queue.drain().map(({ id }) => id)

describe('LinkQueue', () => {
  it('LinkQueue.shift() returns items in push order, undefined when empty', () => {
    const queue = new LinkQueue<Item>()
    for (const id of [1, 2, 3]) queue.push(item(id))
    expect(queue.length).toBe(3)
    expect(queue.peek()?.id).toBe(1)
    expect(queue.shift()?.id).toBe(1)
    expect(queue.shift()?.id).toBe(2)
    expect(queue.shift()?.id).toBe(3)
    expect(queue.shift()).toBeUndefined()
    expect(queue.length).toBe(0)
  })

  it('LinkQueue.remove() unlinks the head, a middle item or the tail in O(1), once', () => {
    const queue = new LinkQueue<Item>()
    const items = [1, 2, 3, 4, 5].map(item)
    for (const entry of items) queue.push(entry)
    const [first, , middle, , last] = items as [Item, Item, Item, Item, Item]
    expect(queue.remove(middle)).toBe(true)
    expect(queue.remove(middle)).toBe(false)
    expect(queue.remove(first)).toBe(true)
    expect(queue.remove(last)).toBe(true)
    expect(queue.length).toBe(2)
    queue.push(item(6))
    expect(ids(queue)).toEqual([2, 4, 6])
  })

  it('LinkQueue.drain() empties the queue; drained items can be queued again', () => {
    const queue = new LinkQueue<Item>()
    const entry = item(1)
    queue.push(entry)
    expect(ids(queue)).toEqual([1])
    expect(entry.linked).toBe(false)
    expect(queue.remove(entry)).toBe(false)
    queue.push(entry)
    expect(ids(queue)).toEqual([1])
  })
})
