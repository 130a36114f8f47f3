// One child process = one implementation of one scenario: warm-up runs, then timed runs, each
// bracketed by forced GCs so the heap it still holds afterwards can be reported.
// Usage: node --expose-gc child.mjs <workload> <scenario id> <implementation> <warmup> <runs> [--quick]
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { loadScenario, Unavailable } from './shared.mjs'

const [workload, scenarioId, implName, warmupArg, runsArg] = process.argv.slice(2)
const quick = process.argv.includes('--quick')

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc')

/**
 * The heap in use once garbage is really gone: one full GC can leave a dead large object unswept
 * (measured: 200 KB of 400 KB still counted after two), so collect at least three times and until
 * the figure stops moving.
 */
function heapUsed() {
  let last = Number.NaN
  for (let i = 0; i < 12; i++) {
    globalThis.gc()
    const now = process.memoryUsage().heapUsed
    if (i >= 2 && Math.abs(now - last) < 1024) return now
    last = now
  }
  return last
}

/** Lets timers the implementation scheduled (cleaner cooldowns, housekeeping) run before measuring. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 25))

/** What the measured run still references (its prepared state and what it returned, never a thenable). */
const held = { alive: undefined }

// Runs live in functions of their own: an async function keeps its locals in a frame that survives
// `await`, so a loop in main() would still hold the previous run's structure when measuring the next.
async function once(prepare, run) {
  await run(await prepare())
}

async function measured(prepare, run) {
  // The previous run's housekeeping timers (a cleaner's trailing edge) still reference its structure.
  await settle()
  const before = heapUsed()
  const state = await prepare()
  // Samples every 10 ms whether a timer could run: its maximum is the longest the loop was starved.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 })
  loopDelay.enable()
  const start = performance.now()
  const kept = await run(state)
  const time = performance.now() - start
  held.alive = [state, kept]
  // A loop starved for the whole run has taken no sample yet: the first one after it, taken while
  // settling, records the starvation.
  await settle()
  loopDelay.disable()
  // Each sample is the time between two 10 ms ticks: the excess over 10 ms is how late the timer ran.
  const sample = { time, retained: heapUsed() - before, stall: Math.max(0, loopDelay.max / 1e6 - 10) }
  held.alive = undefined
  return sample
}

async function main() {
  const scenario = await loadScenario(workload, scenarioId, { quick })
  const factory = scenario.impls[implName]
  if (!factory) throw new Error(`no implementation ${implName} in ${workload}/${scenarioId}`)
  let impl
  try {
    impl = await factory()
  } catch (error) {
    if (error instanceof Unavailable) return { unavailable: error.message }
    throw error
  }
  const { prepare = async () => undefined, run } = typeof impl === 'function' ? { run: impl } : impl

  for (let i = 0; i < Number(warmupArg); i++) await once(prepare, run)
  const times = []
  const retained = []
  const stalls = []
  for (let i = 0; i < Number(runsArg); i++) {
    const sample = await measured(prepare, run)
    times.push(sample.time)
    retained.push(sample.retained)
    stalls.push(sample.stall)
  }
  return { times, retained, stalls }
}

main().then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`)
    // Implementations may leave idle handles or never-settled work behind (the memory workloads do on purpose).
    process.exit(0)
  },
  (error) => {
    process.stderr.write(`${error?.stack ?? error}\n`)
    process.exit(1)
  },
)
