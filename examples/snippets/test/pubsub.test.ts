import { describe, expect, it } from 'vitest'
import { main } from '../src/pubsub.mjs'
import { capture } from './capture.ts'

describe('pubsub example', () => {
  it('delivers each value to the subscriptions that exist when it is published', async () => {
    const { lines, log } = capture()
    const result = await main(log)
    expect(result).toEqual({ delivered: [1, 2, 1], early: [101, 102, 103], late: [102], subscribers: 0 })
    expect(lines).toEqual([
      'late subscriber:  saw 102',
      'early subscriber: saw 101, 102, 103',
      'publish() reached 1, 2, 1 subscribers; 0 left after close()',
    ])
  })
})
