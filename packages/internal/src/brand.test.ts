import { describe, expect, it } from 'vitest'
import { brandOf } from './brand.js'

const KEY = Symbol.for('@bigbuff/test.Thing')

describe('brandOf', () => {
  it('reads a brand from the prototype, the same key in every copy of a package', () => {
    class Thing {}
    const value = { copy: 'a' }
    Object.defineProperty(Thing.prototype, Symbol.for('@bigbuff/test.Thing'), { value })
    expect(brandOf(new Thing(), KEY)).toBe(value)
  })

  it('is undefined for anything without the brand', () => {
    for (const value of [undefined, null, 1, 'x', {}, () => {}, KEY])
      expect(brandOf(value, KEY)).toBeUndefined()
  })
})
