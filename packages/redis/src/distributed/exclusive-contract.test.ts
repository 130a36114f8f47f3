import { describeExclusiveContract } from '@bigbuff/test-utils'
import { redisUrl, uniqueKey } from '../../test/helpers.js'
import { RedisExclusive } from './redis-exclusive.js'

describeExclusiveContract('RedisExclusive (shared contract, one process)', {
  async create(options) {
    const exclusive = new RedisExclusive({ url: redisUrl, namespace: uniqueKey('contract'), ...options })
    return { exclusive, teardown: () => exclusive.close() }
  },
})
