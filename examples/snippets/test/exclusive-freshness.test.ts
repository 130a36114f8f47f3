import { describe, expect, it } from 'vitest'
import { main } from '../src/exclusive-freshness.mjs'
import { capture } from './capture.ts'

describe('exclusive-freshness example', () => {
  it('shows promise-coalesce handing a stale value after a write, and Exclusive a fresh one', async () => {
    const { lines, log } = capture()
    const results = await main(log)
    expect(results['promise-coalesce']).toEqual({ burstReads: 1, before: 0, after: 0, reads: 1 })
    expect(results.Exclusive).toEqual({ burstReads: 1, before: 0, after: 1, reads: 2 })
    expect(lines).toEqual([
      'promise-coalesce 10 callers at once: 1 read; asked after a write: version 0 (stale, 1 read)',
      'Exclusive        10 callers at once: 1 read; asked after a write: version 1 (fresh, 2 reads)',
    ])
  })
})
