import { describeConsumerContract } from '@bigbuff/test-utils'
import { openStream } from '../test/helpers.js'

describeConsumerContract('RedisStream consumer', {
  closeWaitsForPending: false,
  async create() {
    const stream = openStream<number>()
    const consumer = stream.consumer('contract')
    return { consumer, put: (values) => stream.putAll(values), teardown: () => stream.close() }
  },
})
