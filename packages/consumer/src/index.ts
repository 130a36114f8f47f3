export type { BigbuffErrorByCode, BigbuffErrorCode } from '@bigbuff/core'
export {
  BigbuffError,
  ClosedError,
  isBigbuffError,
  NothingToCommitError,
  NothingToRollbackError,
} from '@bigbuff/core'
export { iterate } from './iterate.js'
export type { RangeFn } from './range.js'
export { range } from './range.js'
export type { RangeBatchFn, RangeBatchOptions } from './range-batch.js'
export { rangeBatch } from './range-batch.js'
