import * as core from '@bigbuff/core'
import { describe, expect, it } from 'vitest'
import * as channel from './index.js'
import { Chan, ChannelConsumer } from './index.js'

describe('@bigbuff/channel errors', () => {
  it('re-exports the errors it throws and isBigbuffError, the same objects as @bigbuff/core', () => {
    expect(channel.BigbuffError).toBe(core.BigbuffError)
    expect(channel.ClosedError).toBe(core.ClosedError)
    expect(channel.NothingToCommitError).toBe(core.NothingToCommitError)
    expect(channel.NothingToRollbackError).toBe(core.NothingToRollbackError)
    expect(channel.isBigbuffError).toBe(core.isBigbuffError)
  })

  it('what it throws is caught with its own exports', async () => {
    const chan = new Chan<number>()
    chan.close()
    const closed: unknown = await chan.receive().catch((error: unknown) => error)
    expect(closed).toBeInstanceOf(channel.ClosedError)
    expect(channel.isBigbuffError(closed, 'ERR_BIGBUFF_CLOSED')).toBe(true)
    const consumer = new ChannelConsumer([1])
    await expect(consumer.commit()).rejects.toBeInstanceOf(channel.NothingToCommitError)
    await expect(consumer.rollback()).rejects.toBeInstanceOf(channel.NothingToRollbackError)
  })
})
