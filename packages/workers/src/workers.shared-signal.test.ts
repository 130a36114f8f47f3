import { expectOneListenerPerSignal } from '@bigbuff/test-utils'
import { describe, expect, it } from 'vitest'
import { Workers } from './workers.js'

describe('Workers and one shared signal', () => {
  it('10,000 queued call()s waiting on one signal add one abort listener and print no warning', async () => {
    const workers = new Workers()
    let finish!: () => void
    const running = workers.call(1, () => new Promise<void>((resolve) => (finish = resolve)))
    await expectOneListenerPerSignal((signal) => workers.call(1, () => 'never runs', { signal }))
    // Every queued job left the queue; the running one was not on the signal.
    expect(workers.pending).toBe(0)
    expect(workers.count).toBe(1)
    finish()
    await running
    await workers.wait()
    expect(workers.count).toBe(0)
  })
})
