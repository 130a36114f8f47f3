import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RingQueue } from './ring-queue.js'

describe('RingQueue', () => {
  it('is FIFO across growth and wrap-around', () => {
    const queue = new RingQueue<number>()
    for (let i = 0; i < 10; i++) queue.push(i)
    for (let i = 0; i < 5; i++) expect(queue.shift()).toBe(i)
    for (let i = 10; i < 100; i++) queue.push(i)
    expect(queue.length).toBe(95)
    expect(queue.peek()).toBe(5)
    expect(queue.at(94)).toBe(99)
    expect(queue.at(95)).toBeUndefined()
    expect(queue.at(-1)).toBeUndefined()
    expect(queue.toArray()).toEqual(Array.from({ length: 95 }, (_, i) => i + 5))
    expect([...queue]).toEqual(queue.toArray())
  })

  it('shift() on an empty queue returns undefined and keeps length 0', () => {
    const queue = new RingQueue<string>(3)
    expect(queue.shift()).toBeUndefined()
    expect(queue.length).toBe(0)
    queue.push('a')
    queue.clear()
    expect(queue.length).toBe(0)
    expect(queue.peek()).toBeUndefined()
    queue.push('b')
    expect(queue.shift()).toBe('b')
  })

  it('rounds the initial capacity up and shrinks once mostly empty', () => {
    const queue = new RingQueue<number>(100)
    for (let i = 0; i < 1000; i++) queue.push(i)
    for (let i = 0; i < 990; i++) queue.shift()
    expect(queue.toArray()).toEqual([990, 991, 992, 993, 994, 995, 996, 997, 998, 999])
  })

  it('behaves like an array used as a queue (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer(), fc.constant<'shift'>('shift')), { maxLength: 400 }),
        (ops) => {
          const queue = new RingQueue<number>()
          const model: number[] = []
          for (const op of ops) {
            if (op === 'shift') expect(queue.shift()).toBe(model.shift())
            else {
              queue.push(op)
              model.push(op)
            }
            expect(queue.length).toBe(model.length)
          }
          expect(queue.toArray()).toEqual(model)
        },
      ),
      { numRuns: 200 },
    )
  })
})
