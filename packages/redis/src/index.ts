export type { BigbuffErrorByCode, BigbuffErrorCode, ConsumerBehindDetails } from '@bigbuff/core'
export {
  BigbuffError,
  ClosedError,
  ConsumerBehindError,
  isBigbuffError,
  NothingToCommitError,
  NothingToRollbackError,
} from '@bigbuff/core'
export { LeaseLostError } from './distributed/lease.js'
export { RedisExclusive } from './distributed/redis-exclusive.js'
export { RedisWorkers } from './distributed/redis-workers.js'
export type {
  DistributedWork,
  DistributedWorkContext,
  ExclusiveCallOptions,
  RedisExclusiveOptions,
  RedisWorkersOptions,
} from './distributed/types.js'
export { RedisStream } from './redis-stream.js'
export type { Codec, RedisConsumerOptions, RedisStreamOptions } from './types.js'
