// PubSub: fan-out without a backlog.
//
// `publish` delivers a value to every subscription that exists at that moment and resolves
// with how many took it. A subscription is an async iterator; it ends on `unsubscribe()`,
// on its signal, or when the PubSub closes. New subscribers never see older values.
//
// Run it: pnpm build && node examples/snippets/src/pubsub.mjs
import { pathToFileURL } from 'node:url'
import { PubSub } from '@bigbuff/channel'

/** @param {(line: string) => void} [log] */
export async function main(log = console.log) {
  /** @type {PubSub<number>} */
  const prices = new PubSub()

  /**
   * Reads a subscription to its end.
   * @param {string} name
   * @param {AsyncIterable<number>} subscription
   */
  const watch = async (name, subscription) => {
    const seen = []
    for await (const price of subscription) seen.push(price)
    log(`${name} saw ${seen.join(', ')}`)
    return seen
  }

  const early = watch('early subscriber:', prices.subscribe())
  const delivered = [await prices.publish(101)]

  const lateSubscription = prices.subscribe()
  const late = watch('late subscriber: ', lateSubscription)
  delivered.push(await prices.publish(102))

  lateSubscription.unsubscribe()
  delivered.push(await prices.publish(103))

  prices.close()
  const result = { delivered, early: await early, late: await late, subscribers: prices.subscribers }
  log(`publish() reached ${delivered.join(', ')} subscribers; ${result.subscribers} left after close()`)
  return result
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
