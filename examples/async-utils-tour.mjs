// A short tour of @bigbuff/async-utils. Build first (`pnpm build`), then run `pnpm start`.
const started = Date.now()
const elapsed = () => `${String(Date.now() - started).padStart(4)} ms`

let utils
try {
  utils = await import('../packages/async-utils/dist/index.js')
} catch (error) {
  console.error('Cannot load packages/async-utils/dist: run `pnpm build` first.')
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
}
const { anySignal, exponentialRetry, FatalError, linearAttempt, minDuration, sleep } = utils

// exponentialRetry: a flaky operation that fails twice, then succeeds.
let calls = 0
const flakyFetch = exponentialRetry(
  async (id) => {
    calls++
    console.log(`${elapsed()}  exponentialRetry: attempt ${calls} for ${id}`)
    if (calls < 3) throw new Error('503 Service Unavailable')
    return { id, name: 'Ada' }
  },
  { base: 50 },
)
const user = await flakyFetch('user-1')
console.log(`${elapsed()}  exponentialRetry: got`, user)

// FatalError stops the retries and surfaces the real cause.
const lookup = exponentialRetry(async () => {
  throw new FatalError(new Error('404 Not Found'))
})
await lookup().catch((error) =>
  console.log(`${elapsed()}  exponentialRetry: gave up at once: ${error.message}`),
)

// linearAttempt: at most one attempt per 100 ms, 4 in all, the first at once.
for await (const tick of linearAttempt(100, 4)) {
  console.log(`${elapsed()}  linearAttempt: attempt at +${tick - started} ms`)
}

// anySignal: whichever comes first, a caller's cancel or a timeout.
const caller = new AbortController()
const combined = anySignal([caller.signal, AbortSignal.timeout(150)])
await sleep(1_000, { signal: combined.signal }).catch((reason) =>
  console.log(`${elapsed()}  anySignal: sleep stopped by ${reason.name}`),
)
combined.dispose()

// minDuration: a fast save still takes at least 200 ms (no flickering spinner).
const save = minDuration(200, async (doc) => `saved ${doc}`)
const saveStarted = Date.now()
const saved = await save('report.txt')
console.log(`${elapsed()}  minDuration: "${saved}" after ${Date.now() - saveStarted} ms`)
