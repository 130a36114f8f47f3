export type { AtHand } from './at-hand.js'
export { AT_HAND, atHand, NOTHING_AT_HAND } from './at-hand.js'
export { brandOf } from './brand.js'
export type { Deferred } from './deferred.js'
export { deferred } from './deferred.js'
export type { Linked } from './link-queue.js'
export { LinkQueue } from './link-queue.js'
export { pause, resolveSoon, SLICE_MS, SLICE_OPERATIONS } from './macrotask.js'
export type { RangeSource } from './range-loop.js'
export { isClosedError, isObjectLike, rangeLoop, rollbackQuietly, settleHand } from './range-loop.js'
export { closedMessage, refuse } from './refuse.js'
export { RingQueue } from './ring-queue.js'
export { handled, noop, rethrowAsync, unrefTimer } from './signal.js'
export { realClearTimeout, realClock, realSetTimeout } from './timers.js'
export {
  assertCapacity,
  assertDuration,
  assertFunction,
  assertIterable,
  assertOptions,
  assertPositiveInteger,
  assertSignal,
  describeValue,
  invalid,
  signalOf,
} from './validate.js'
export { unwatchAbort, Waiter, watchAbort } from './waiter.js'
