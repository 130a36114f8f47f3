export { RedisStream } from './redis-stream.js'
export type { Codec, RedisConsumerOptions, RedisStreamOptions } from './types.js'
