import { describe, expect, it } from 'vitest'
import { main } from '../src/worker-refcount.mjs'
import { capture } from './capture.ts'

describe('worker-refcount example', () => {
  it('shares one run between holders, stops it after the last release and starts afresh later', async () => {
    const { lines, log } = capture()
    const result = await main(log)
    expect(result.runs).toBe(2)
    expect(result.events).toEqual([
      'run 1: connection opened',
      'two holders, runs started: 1',
      'chart released, active: true',
      'ticker released, active while closing: true',
      'run 1: connection closed',
      'closed, active: false',
      'run 2: connection opened',
      'run 2: connection closed',
    ])
    expect(lines).toEqual(result.events)
  })
})
