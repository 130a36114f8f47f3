import { expect, it } from 'vitest'
import { collected } from './memory.js'

const kept: object[] = []

it('collected() tells an object something still holds from one nothing holds', async () => {
  const held = (() => {
    const target = {}
    kept.push(target)
    return new WeakRef(target)
  })()
  const released = (() => new WeakRef({}))()
  expect(await collected(held)).toBe(false)
  expect(await collected(released)).toBe(true)
})
