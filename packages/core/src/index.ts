export type { BigbuffErrorByCode, BigbuffErrorCode, ConsumerBehindDetails } from './errors.js'
export {
  BigbuffError,
  ClosedError,
  ConsumerBehindError,
  isBigbuffError,
  NothingToCommitError,
  NothingToRollbackError,
} from './errors.js'
export type { Closer, Consumer, Getter, Producer, Puter, SignalOptions, WorkContext } from './types.js'
