import { describe, expect, it } from 'vitest'
import { brandKey, brandOf, setBrand } from './brand.js'

describe('brands', () => {
  it('are registered symbols, the same in every copy of a package', () => {
    expect(brandKey('channel.Chan.v1')).toBe(Symbol.for('@bigbuff/channel.Chan.v1'))
  })

  it('are read from the prototype and invisible to enumeration', () => {
    const key = brandKey('test.Thing.v1')
    class Thing {}
    const value = { copy: 'a' }
    setBrand(Thing.prototype, key, value)
    const thing = new Thing()
    expect(brandOf(thing, key)).toBe(value)
    expect(Object.keys(thing)).toEqual([])
    expect({ ...thing }).toEqual({})
    expect(() => {
      ;(Thing.prototype as Record<symbol, unknown>)[key] = 1
    }).toThrow(TypeError)
  })

  it('are absent from anything else', () => {
    const key = brandKey('test.Other.v1')
    for (const value of [undefined, null, 1, 'x', {}, () => {}, Symbol.for('@bigbuff/test.Other.v1')])
      expect(brandOf(value, key)).toBeUndefined()
  })
})
