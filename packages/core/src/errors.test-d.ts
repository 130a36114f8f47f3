import { expectTypeOf } from 'vitest'
import {
  type BigbuffError,
  type BigbuffErrorCode,
  type ClosedError,
  type ConsumerBehindError,
  isBigbuffError,
  type NothingToCommitError,
  type NothingToRollbackError,
} from './index.js'

declare const caught: unknown

// Without a code: any bigbuff error.
if (isBigbuffError(caught)) {
  expectTypeOf(caught).toEqualTypeOf<BigbuffError>()
  expectTypeOf(caught.code).toEqualTypeOf<BigbuffErrorCode>()
}

// With a code: that code's class.
if (isBigbuffError(caught, 'ERR_BIGBUFF_CONSUMER_BEHIND')) {
  expectTypeOf(caught).toEqualTypeOf<ConsumerBehindError>()
  expectTypeOf(caught.behind).toEqualTypeOf<number>()
  expectTypeOf(caught.offset).toEqualTypeOf<number>()
}
if (isBigbuffError(caught, 'ERR_BIGBUFF_CLOSED')) expectTypeOf(caught).toEqualTypeOf<ClosedError>()
if (isBigbuffError(caught, 'ERR_BIGBUFF_NOTHING_TO_COMMIT')) {
  expectTypeOf(caught).toEqualTypeOf<NothingToCommitError>()
}
if (isBigbuffError(caught, 'ERR_BIGBUFF_NOTHING_TO_ROLLBACK')) {
  expectTypeOf(caught).toEqualTypeOf<NothingToRollbackError>()
}

// A code only known as the union narrows to the base class.
declare const someCode: BigbuffErrorCode
if (isBigbuffError(caught, someCode)) expectTypeOf(caught).toMatchTypeOf<BigbuffError>()

// A typo is a compile error.
// @ts-expect-error not a bigbuff error code
isBigbuffError(caught, 'ERR_BIGBUFF_CLOSE')
