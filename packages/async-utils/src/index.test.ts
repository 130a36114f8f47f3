import * as core from '@bigbuff/core'
import { expect, it } from 'vitest'
import * as pkg from './index.js'

it('re-exports isBigbuffError and BigbuffError from @bigbuff/core (the same objects)', () => {
  expect(pkg.isBigbuffError).toBe(core.isBigbuffError)
  expect(pkg.BigbuffError).toBe(core.BigbuffError)
})
