import * as core from '@bigbuff/core'
import { expect, it } from 'vitest'
import * as pkg from './index.js'

it('re-exports the errors it throws and isBigbuffError from @bigbuff/core (the same objects)', () => {
  expect(pkg.isBigbuffError).toBe(core.isBigbuffError)
  expect(pkg.BigbuffError).toBe(core.BigbuffError)
  expect(pkg.ClosedError).toBe(core.ClosedError)
  expect(pkg.ConsumerBehindError).toBe(core.ConsumerBehindError)
  expect(pkg.NothingToCommitError).toBe(core.NothingToCommitError)
  expect(pkg.NothingToRollbackError).toBe(core.NothingToRollbackError)
})
