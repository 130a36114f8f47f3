// Worker: one background run shared by everyone who holds it.
//
// `do(fn)` registers a holder and starts `fn(stop)` if nothing is running; later holders
// share that run. When the last holder releases, `stop` aborts, and the worker stays active
// until `fn` has finished cleaning up. The next `do()` starts a fresh run.
//
// Run it: pnpm build && node examples/snippets/src/worker-refcount.mjs
import { pathToFileURL } from 'node:url'
import { sleep } from '@bigbuff/async-utils'
import { Worker } from '@bigbuff/workers'

/** @param {(line: string) => void} [log] */
export async function main(log = console.log) {
  const feed = new Worker()
  const events = /** @type {string[]} */ ([])
  const say = (/** @type {string} */ line) => {
    events.push(line)
    log(line)
  }
  let runs = 0

  /** A live connection: open while anyone holds the worker, closed (asynchronously) after. */
  const connect = async (/** @type {AbortSignal} */ stop) => {
    const run = ++runs
    say(`run ${run}: connection opened`)
    await new Promise((resolve) => stop.addEventListener('abort', resolve, { once: true }))
    await sleep(5) // closing the connection takes a moment
    say(`run ${run}: connection closed`)
  }

  const releaseChart = feed.do(connect)
  const releaseTicker = feed.do(connect) // shares run 1: this fn is not called
  await sleep(0)
  say(`two holders, runs started: ${runs}`)

  releaseChart()
  releaseChart() // releasing twice is harmless
  await sleep(0)
  say(`chart released, active: ${feed.active}`)

  releaseTicker[Symbol.dispose]() // a release is also Disposable: `using release = feed.do(...)`
  say(`ticker released, active while closing: ${feed.active}`)
  while (feed.active) await sleep(1)
  say(`closed, active: ${feed.active}`)

  const releaseAgain = feed.do(connect)
  await sleep(0)
  releaseAgain()
  while (feed.active) await sleep(1)
  return { runs, events }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
