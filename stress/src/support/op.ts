// The operation recorder and error matchers live in @bigbuff/test-utils, shared with the package tests.
export type { ErrorMatcher, Expected } from '@bigbuff/test-utils'
export {
  behind,
  CLOSED,
  code,
  NOTHING_TO_COMMIT,
  NOTHING_TO_ROLLBACK,
  Op,
  same,
  verifyAll,
} from '@bigbuff/test-utils'
