// Workers: a queue whose concurrency limit is the `count` of the latest call.
//
// Raising the count starts queued jobs at once; lowering it never interrupts a running
// job: surplus workers simply stop as their jobs finish. Here every job waits until we
// finish it by hand, so the counts are exact.
//
// Run it: pnpm build && node examples/snippets/src/workers-resize.mjs
import { pathToFileURL } from 'node:url'
import { sleep } from '@bigbuff/async-utils'
import { Workers } from '@bigbuff/workers'

/** @param {(line: string) => void} [log] */
export async function main(log = console.log) {
  const workers = new Workers()
  /** @type {Array<() => void>} */
  const running = [] // how to finish each job that started, oldest first
  const job = () => new Promise((resolve) => running.push(() => resolve(undefined)))
  const lines = /** @type {string[]} */ ([])
  const report = async (/** @type {string} */ label) => {
    await sleep(0) // let the pool react
    const line = `${label.padEnd(18)} ${workers.count} running, ${workers.pending} queued`
    lines.push(line)
    log(line)
  }
  const finishOldest = () => running.shift()?.()

  const calls = Array.from({ length: 6 }, () => workers.call(1, job))
  await report('6 jobs, count 1:')
  calls.push(workers.call(3, job))
  await report('1 more, count 3:')
  calls.push(workers.call(2, job))
  await report('1 more, count 2:')
  finishOldest()
  await report('one finished:')
  finishOldest()
  await report('another finished:')

  while (workers.count > 0) {
    for (const finish of running.splice(0)) finish()
    await sleep(0)
  }
  await Promise.all(calls)
  await workers.wait()
  await report('all finished:')
  return lines
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
