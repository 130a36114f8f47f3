import { describe, expect, it } from 'vitest'
import { WaiterQueue } from './waiter-queue.js'

describe('WaiterQueue', () => {
  it('is FIFO and removes any node in O(1)', () => {
    const queue = new WaiterQueue<string>()
    const a = queue.push('a')
    const b = queue.push('b')
    const c = queue.push('c')
    const d = queue.push('d')
    expect(queue.length).toBe(4)
    expect(queue.remove(b)).toBe(true)
    expect(queue.remove(b)).toBe(false)
    expect(queue.remove(d)).toBe(true)
    expect([...queue]).toEqual(['a', 'c'])
    expect(queue.remove(a)).toBe(true)
    expect(queue.peek()).toBe('c')
    expect(queue.shift()).toBe('c')
    expect(queue.remove(c)).toBe(false)
    expect(queue.shift()).toBeUndefined()
    expect(queue.peek()).toBeUndefined()
    expect(queue.length).toBe(0)
  })

  it('drain() empties the queue in order and detaches the nodes', () => {
    const queue = new WaiterQueue<number>()
    const nodes = [1, 2, 3].map((n) => queue.push(n))
    expect(queue.drain()).toEqual([1, 2, 3])
    expect(queue.length).toBe(0)
    expect(nodes.map((node) => queue.remove(node))).toEqual([false, false, false])
    queue.push(4)
    expect(queue.shift()).toBe(4)
  })
})
