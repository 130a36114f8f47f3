import { describeConsumerContract } from '@bigbuff/test-utils'
import { Chan } from './chan.js'
import { ChannelConsumer } from './channel-consumer.js'

describeConsumerContract('ChannelConsumer over an unbounded Chan', {
  closeWaitsForPending: false,
  async create() {
    const chan = new Chan<number>(Number.POSITIVE_INFINITY)
    const consumer = new ChannelConsumer(chan)
    return {
      consumer,
      async put(values) {
        for (const value of values) await chan.send(value)
      },
      async teardown() {
        await consumer.close()
        chan.close()
      },
    }
  },
})

describeConsumerContract('ChannelConsumer over an async generator fed by an unbounded Chan', {
  closeWaitsForPending: false,
  async create() {
    const chan = new Chan<number>(Number.POSITIVE_INFINITY)
    async function* source(): AsyncGenerator<number> {
      yield* chan
    }
    const consumer = new ChannelConsumer(source())
    return {
      consumer,
      async put(values) {
        for (const value of values) await chan.send(value)
      },
      async teardown() {
        chan.close()
        await consumer.close()
      },
    }
  },
})
