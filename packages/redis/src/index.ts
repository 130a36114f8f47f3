export { LeaseLostError } from './distributed/lease.js'
export { RedisExclusive } from './distributed/redis-exclusive.js'
export type {
  DistributedWork,
  DistributedWorkContext,
  ExclusiveCallOptions,
  RedisExclusiveOptions,
  RedisWorkersOptions,
} from './distributed/types.js'
export { RedisStream } from './redis-stream.js'
export type { Codec, RedisConsumerOptions, RedisStreamOptions } from './types.js'
