import { describe, expect, it } from 'vitest'
import { AT_HAND, atHand, NOTHING_AT_HAND } from './at-hand.js'

describe('atHand()', () => {
  it('finds the synchronous side under the registered key, shared by every copy of this module', () => {
    const side = { take: () => NOTHING_AT_HAND, commitNow: () => {} }
    expect(atHand({ [Symbol.for('@bigbuff/at-hand')]: side })).toBe(side)
    expect(AT_HAND).toBe(Symbol.for('@bigbuff/at-hand'))
    expect(NOTHING_AT_HAND).toBe(Symbol.for('@bigbuff/nothing-at-hand'))
  })

  it('is undefined for a consumer without one', () => {
    expect(atHand({})).toBeUndefined()
    expect(atHand({ [AT_HAND]: 1 })).toBeUndefined()
    expect(atHand({ [AT_HAND]: null })).toBeUndefined()
  })
})
