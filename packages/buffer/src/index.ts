export type { BigbuffErrorByCode, BigbuffErrorCode, ConsumerBehindDetails } from '@bigbuff/core'
export {
  BigbuffError,
  ClosedError,
  ConsumerBehindError,
  isBigbuffError,
  NothingToCommitError,
  NothingToRollbackError,
} from '@bigbuff/core'
export type { BigBufferOptions } from './big-buffer.js'
export { BigBuffer } from './big-buffer.js'
export type { Cleaner, CleanerConfig, FixedBufferCleanerNotification } from './cleaner.js'
export { DEFAULT_CLEANER_COOLDOWN, defaultCleaner, fixedBufferCleaner } from './cleaner.js'
