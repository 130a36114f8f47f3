// Exclusive next to a singleflight-style helper (promise-coalesce).
//
// Both collapse a burst of identical requests into one run. They differ on freshness:
// singleflight hands a new caller the run already in flight, even if that run started
// before the caller's data changed; Exclusive hands every caller a run that started after
// the call was made, so a read that follows a write always sees that write.
//
// Run it: pnpm build && node examples/snippets/src/exclusive-freshness.mjs
import { pathToFileURL } from 'node:url'
import { sleep } from '@bigbuff/async-utils'
import { Exclusive } from '@bigbuff/exclusive'
import { coalesceAsync } from 'promise-coalesce'

/** A tiny "database" whose reads take a few milliseconds. */
function createStore() {
  let version = 0
  let reads = 0
  return {
    write() {
      version++
    },
    async read() {
      reads++
      const seen = version
      await sleep(5)
      return seen
    },
    get reads() {
      return reads
    },
  }
}

/**
 * Ten callers at once, then a read that starts, a write while it is in flight, and a
 * caller who asks again after the write.
 * @param {(read: () => Promise<number>) => Promise<number>} dedupe
 */
async function scenario(dedupe) {
  const store = createStore()
  await Promise.all(Array.from({ length: 10 }, () => dedupe(() => store.read())))
  const burstReads = store.reads

  const before = dedupe(() => store.read())
  await sleep(1) // the read above is still in flight (it takes 5 ms)
  store.write()
  const after = dedupe(() => store.read())
  return { burstReads, before: await before, after: await after, reads: store.reads - burstReads }
}

/** @param {(line: string) => void} [log] */
export async function main(log = console.log) {
  const exclusive = new Exclusive()
  const results = {
    'promise-coalesce': await scenario((read) => coalesceAsync('config', read)),
    Exclusive: await scenario((read) => exclusive.call('config', read)),
  }
  for (const [name, r] of Object.entries(results)) {
    log(
      `${name.padEnd(16)} 10 callers at once: ${r.burstReads} read; ` +
        `asked after a write: version ${r.after} (${r.after === 1 ? 'fresh' : 'stale'}, ${r.reads} read${r.reads === 1 ? '' : 's'})`,
    )
  }
  return results
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
