import { noop } from '@bigbuff/internal'
import { describeConsumerContract } from '@bigbuff/test-utils'
import { BigBuffer } from './big-buffer.js'

describeConsumerContract('BigBuffer consumer', {
  closeWaitsForPending: true,
  async create() {
    const buffer = new BigBuffer<number>()
    const consumer = buffer.consumer()
    return {
      consumer,
      put: (values) => buffer.putAll(values),
      async teardown() {
        // An uncommitted read would keep the buffer's close() pending.
        if (consumer.pending > 0) await consumer.rollback().catch(noop)
        await buffer.close()
      },
    }
  },
})
