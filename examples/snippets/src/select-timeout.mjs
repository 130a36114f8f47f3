// select with a timeout, two ways.
//
// Go:
//
//	select {
//	case v, ok := <-replies:
//		// got v (or the channel closed: ok == false)
//	case <-time.After(20 * time.Millisecond):
//		// timed out
//	}
//
// TypeScript can write the same thing with a timer channel as a second case, or pass a
// signal: `select(cases, { signal: AbortSignal.timeout(ms) })` rejects with the signal's
// TimeoutError. Either way a select that times out takes nothing from the channel.
//
// Run it: pnpm build && node examples/snippets/src/select-timeout.mjs
import { pathToFileURL } from 'node:url'
import { Chan, receiveCase, select } from '@bigbuff/channel'

/**
 * Go's `time.After` as a second select case.
 * @param {Chan<string>} chan
 * @param {number} ms
 */
async function receiveWithin(chan, ms) {
  const timeout = new Chan(1)
  const timer = setTimeout(() => timeout.trySend(undefined), ms)
  try {
    const { index, value, ok } = await select([receiveCase(chan), receiveCase(timeout)])
    if (index === 1) return 'timed out'
    return ok ? `received ${value}` : 'channel closed'
  } finally {
    clearTimeout(timer)
  }
}

/**
 * The same with an AbortSignal.
 * @param {Chan<string>} chan
 * @param {AbortSignal} signal
 */
async function receiveUntil(chan, signal) {
  try {
    const { value, ok } = await select([receiveCase(chan)], { signal })
    return ok ? `received ${value}` : 'channel closed'
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError') return 'timed out'
    throw error
  }
}

/** @param {(line: string) => void} [log] */
export async function main(log = console.log) {
  /** @type {Chan<string>} */
  const replies = new Chan()
  const outcomes = /** @type {string[]} */ ([])
  const note = (/** @type {string} */ label, /** @type {string} */ outcome) => {
    outcomes.push(outcome)
    log(`${label.padEnd(34)} ${outcome}`)
  }

  setTimeout(() => replies.send('pong'), 5)
  note('reply after 5 ms, timeout 1000 ms:', await receiveWithin(replies, 1000))

  note('no reply, timeout 20 ms:', await receiveWithin(replies, 20))

  // The late reply is sent after the select gave up: it stays for the next receiver.
  const late = new Promise((resolve) => setTimeout(() => resolve(replies.send('late')), 100))
  note('reply after 100 ms, signal 20 ms:', await receiveUntil(replies, AbortSignal.timeout(20)))
  note('the next receive:', `received ${await replies.receive()}`)
  await late

  replies.close()
  note('closed channel:', await receiveWithin(replies, 1000))
  return outcomes
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
