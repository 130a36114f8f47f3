// go-bigbuff next to @bigbuff: the same three programs in Go (comments) and TypeScript.
//
// Run it: pnpm build && node examples/snippets/src/go-side-by-side.mjs
import { pathToFileURL } from 'node:url'
import { sleep } from '@bigbuff/async-utils'
import { BigBuffer } from '@bigbuff/buffer'
import { range } from '@bigbuff/consumer'
import { Exclusive } from '@bigbuff/exclusive'
import { Workers } from '@bigbuff/workers'

/** @param {(line: string) => void} [log] */
export async function main(log = console.log) {
  const lines = /** @type {string[]} */ ([])
  const say = (/** @type {string} */ line) => {
    lines.push(line)
    log(line)
  }

  // A buffer with two consumers that each read everything.
  //
  //	b := new(bigbuff.Buffer)
  //	defer b.Close()
  //	c1, _ := b.NewConsumer()
  //	c2, _ := b.NewConsumer()
  //	_ = b.Put(ctx, "a", "b", "c")
  //	for _, c := range []bigbuff.Consumer{c1, c2} {
  //		_ = bigbuff.Range(ctx, c, func(index int, value interface{}) bool {
  //			fmt.Println(index, value)
  //			return index < 2 // stop after the third value
  //		})
  //	}
  const buffer = new BigBuffer()
  const consumers = [buffer.consumer(), buffer.consumer()]
  await buffer.putAll(['a', 'b', 'c']) // Go's variadic Put is putAll; put takes one value
  for (const [n, consumer] of consumers.entries()) {
    await range(consumer, (value, index) => {
      say(`consumer ${n + 1}: ${index} ${value}`)
      return index < 2 // (value, index): the value comes first in TypeScript
    })
  }
  await buffer.close() // closes both consumers too; resolves once they have deregistered

  // Debounced, mutually exclusive work per key.
  //
  //	var e bigbuff.Exclusive
  //	for i := 0; i < 3; i++ {
  //		go e.CallAfter("report", func() (interface{}, error) {
  //			return render(), nil
  //		}, 10*time.Millisecond)
  //	}
  const exclusive = new Exclusive()
  let renders = 0
  const reports = await Promise.all(
    [1, 2, 3].map(() => exclusive.call('report', () => `report #${++renders}`, { wait: 10 })),
  )
  say(`3 calls -> ${renders} render, every caller got "${reports[0]}"`)

  // At most 2 jobs at once.
  //
  //	var w bigbuff.Workers
  //	result, err := w.Call(2, func() (interface{}, error) { return fetch(id) })
  const workers = new Workers()
  let active = 0
  let peak = 0
  const fetched = await Promise.all(
    [1, 2, 3, 4, 5].map((id) =>
      workers.call(2, async ({ signal }) => {
        // TypeScript's work receives { signal } where Go's closures capture a context.
        peak = Math.max(peak, ++active)
        await sleep(5, { signal })
        active--
        return id * 10
      }),
    ),
  )
  say(`5 jobs, count 2 -> at most ${peak} at once, results ${fetched.join(' ')}`)
  return lines
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
