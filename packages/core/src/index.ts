// The Disposable/AsyncDisposable globals, in every package's declarations through core's.
import './disposable.js'

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
