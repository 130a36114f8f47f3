/// <reference types="node" />
import { describeWorkersContract } from '@bigbuff/test-utils'
import { redisUrl, uniqueKey } from '../../test/helpers.js'
import { RedisWorkers } from '../index.js'

describeWorkersContract('RedisWorkers', {
  async create() {
    const workers = new RedisWorkers({ name: uniqueKey('workers'), url: redisUrl, lease: 2000 })
    return { workers, teardown: () => workers.close() }
  },
})
