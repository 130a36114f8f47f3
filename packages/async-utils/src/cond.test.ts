import { nextTurn } from '@bigbuff/test-utils'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Cond } from './cond.js'

describe('Cond', () => {
  it('signal() wakes the first waiter only (FIFO)', async () => {
    const cond = new Cond()
    const woken: number[] = []
    for (const id of [1, 2, 3]) void cond.wait().then(() => woken.push(id))
    expect(cond.waiting).toBe(3)
    cond.signal()
    await nextTurn()
    expect(woken).toEqual([1])
    expect(cond.waiting).toBe(2)
    cond.signal()
    cond.signal()
    await nextTurn()
    expect(woken).toEqual([1, 2, 3])
    expect(cond.waiting).toBe(0)
  })

  it('broadcast() wakes every waiter, in order, and not later ones', async () => {
    const cond = new Cond()
    const woken: number[] = []
    for (const id of [1, 2, 3]) void cond.wait().then(() => woken.push(id))
    cond.broadcast()
    void cond.wait().then(() => woken.push(4))
    await nextTurn()
    expect(woken).toEqual([1, 2, 3])
    expect(cond.waiting).toBe(1)
  })

  it('signal() and broadcast() with nobody waiting are not remembered', async () => {
    const cond = new Cond()
    cond.signal()
    cond.broadcast()
    let woken = false
    void cond.wait().then(() => {
      woken = true
    })
    await nextTurn()
    expect(woken).toBe(false)
    expect(cond.waiting).toBe(1)
  })

  it('wait() rejects with the reason on abort and leaves the queue, so signal() wakes the next', async () => {
    const cond = new Cond()
    const controller = new AbortController()
    const first = cond.wait({ signal: controller.signal })
    let secondWoken = false
    void cond.wait().then(() => {
      secondWoken = true
    })
    const reason = new Error('stop')
    controller.abort(reason)
    await expect(first).rejects.toBe(reason)
    expect(cond.waiting).toBe(1)
    cond.signal()
    await nextTurn()
    expect(secondWoken).toBe(true)
  })

  it('wait() with an already aborted signal rejects at once and does not queue', async () => {
    const cond = new Cond()
    const waiting = cond.wait({ signal: AbortSignal.abort('early') })
    expect(cond.waiting).toBe(0)
    await expect(waiting).rejects.toBe('early')
  })

  it('a woken waiter removes its abort listener', async () => {
    const cond = new Cond()
    const controller = new AbortController()
    const waiting = cond.wait({ signal: controller.signal })
    cond.signal()
    controller.abort()
    await expect(waiting).resolves.toBeUndefined()
  })

  it('any interleaving of waits, aborts and signals wakes the remaining waiters in FIFO order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.constant({ kind: 'wait' as const, index: 0 }),
            fc.nat().map((index) => ({ kind: 'abort' as const, index })),
            fc.constant({ kind: 'signal' as const, index: 0 }),
          ),
          { maxLength: 30 },
        ),
        async (ops) => {
          const cond = new Cond()
          const woken: number[] = []
          const controllers: AbortController[] = []
          const expected: number[] = []
          const queue: number[] = []
          for (const { kind, index } of ops) {
            if (kind === 'wait') {
              const id = controllers.length
              const controller = new AbortController()
              controllers.push(controller)
              queue.push(id)
              cond.wait({ signal: controller.signal }).then(
                () => woken.push(id),
                () => {},
              )
            } else if (kind === 'abort') {
              if (queue.length === 0) continue
              const [victim] = queue.splice(index % queue.length, 1) as [number]
              controllers[victim]?.abort()
            } else {
              const first = queue.shift()
              if (first !== undefined) expected.push(first)
              cond.signal()
            }
            expect(cond.waiting).toBe(queue.length)
          }
          await Promise.resolve()
          await Promise.resolve()
          expect(woken).toEqual(expected)
        },
      ),
      { numRuns: 100 },
    )
  })
})
