/// <reference types="node" />
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it, vi } from 'vitest'
import { BigBuffer } from './big-buffer.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

function heapAfterGc(): number {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

describe('BigBuffer memory', () => {
  it('retains at most 16 bytes per value beyond the value itself', async () => {
    const count = 500_000
    const value = { shared: true }
    const before = heapAfterGc()
    const buffer = new BigBuffer<object>()
    for (let i = 0; i < count; i++) await buffer.put(value)
    const perValue = (heapAfterGc() - before) / count
    expect(buffer.size).toBe(count)
    expect(perValue).toBeLessThanOrEqual(16)
  })
  it('releases dropped values: a long put/get/commit churn leaves the heap where it started', async () => {
    const buffer = new BigBuffer<number[]>({ cooldown: 0 })
    const consumer = buffer.consumer()
    const churn = async (rounds: number) => {
      for (let i = 0; i < rounds; i++) {
        await buffer.put([i])
        await consumer.get()
        await consumer.commit()
      }
    }
    await churn(5_000)
    const before = heapAfterGc()
    await churn(100_000)
    expect(buffer.size).toBe(0)
    // 100k arrays of ~48 bytes would be ~5 MB if anything held on to them.
    expect(heapAfterGc() - before).toBeLessThan(1_000_000)
  })
  it('never shifts, splices or copies an array on the put/get/commit/cleanup path', async () => {
    const buffer = new BigBuffer<number>({ cooldown: 0 })
    const consumers = [buffer.consumer(), buffer.consumer()]
    const spies = (['shift', 'splice', 'slice', 'concat', 'copyWithin'] as const).map((method) =>
      vi.spyOn(Array.prototype, method),
    )
    try {
      for (let i = 0; i < 5_000; i++) {
        await buffer.putAll([i, i + 1])
        for (const consumer of consumers) {
          await consumer.get()
          await consumer.get()
          await consumer.commit()
        }
      }
      for (const spy of spies) expect(spy).not.toHaveBeenCalled()
    } finally {
      for (const spy of spies) spy.mockRestore()
    }
    expect(buffer.size).toBe(0)
  })
})
