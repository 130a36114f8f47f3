import { describe, expect, it } from 'vitest'
import { Chan } from '../chan.js'
import * as channel from '../index.js'
import { chanAccess } from './chan-access.js'

describe('Chan access', () => {
  it('is reached through the channel, frozen, and neither enumerable nor exported', () => {
    const chan = new Chan<number>(1)
    const access = chanAccess(chan)
    expect(Object.isFrozen(access)).toBe(true)
    expect(chanAccess(new Chan<string>())).toBe(access)
    expect(Object.keys(chan)).toEqual([])
    expect(() => {
      ;(Chan.prototype as unknown as Record<symbol, unknown>)[Symbol.for('@bigbuff/channel/chan-access')] = {}
    }).toThrow(TypeError)
    expect(chanAccess(chan)).toBe(access)
    expect(Object.keys(channel)).not.toContain('chanAccess')
    expect(Object.keys(channel)).not.toContain('internals')
    // It works the channel: offer sends when that needs no wait.
    expect(access.offer(chan, 1)).toBe(true)
    expect(access.offer(chan, 2)).toBe(false)
    expect(chan.tryReceive()).toEqual({ state: 'ok', value: 1 })
  })
})
