export type { Deferred } from './deferred.js'
export { deferred } from './deferred.js'
export type { RangeSource } from './range-loop.js'
export { isClosedError, rangeLoop, rollbackQuietly } from './range-loop.js'
export { RingQueue } from './ring-queue.js'
export { handled, listenAbort, noop, rethrowAsync, unrefTimer } from './signal.js'
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
export type { WaiterNode } from './waiter-queue.js'
export { WaiterQueue } from './waiter-queue.js'
