// One child process = one implementation of one scenario: warm-up runs, timed runs, then one run
// bracketed by forced GCs for the heap it still holds afterwards.
// Usage: node --expose-gc child.mjs <workload> <scenario id> <implementation> <warmup> <runs> [--quick] [--no-heap]
import { performance } from 'node:perf_hooks'
import { loadScenario, Unavailable } from './shared.mjs'

const [workload, scenarioId, implName, warmupArg, runsArg] = process.argv.slice(2)
const quick = process.argv.includes('--quick')
const heap = !process.argv.includes('--no-heap')

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

/**
 * A timed run, back to back with the others: no forced GC or idle time before it, which would reset
 * the heap's sizing and make every run pay for a cold young generation (it tripled some runs). Each run
 * pays for collecting its own garbage, as in a real program.
 */
async function timed(prepare, run) {
  const state = await prepare()
  const cpuStart = process.cpuUsage()
  const start = performance.now()
  await run(state)
  const time = performance.now() - start
  const { user, system } = process.cpuUsage(cpuStart)
  return { time, cpu: (user + system) / 1000 }
}

/** One more run, untimed, for the heap it leaves behind and for whether it let timers run meanwhile. */
async function measured(prepare, run) {
  // The previous run's housekeeping timers (a cleaner's trailing edge) still reference its structure.
  await settle()
  const before = heapUsed()
  const state = await prepare()
  // A 1 ms timer chain: how often it fires during the run shows whether the run lets the event loop
  // turn (a count, unlike a latency, is not skewed when other processes take the CPU).
  let ticks = 0
  let running = true
  const tick = () => {
    if (!running) return
    ticks++
    setTimeout(tick, 1)
  }
  setTimeout(tick, 1)
  held.alive = [state, await run(state)]
  running = false
  await settle()
  const result = { retained: heapUsed() - before, ticks }
  held.alive = undefined
  return result
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
  const samples = []
  for (let i = 0; i < Number(runsArg); i++) samples.push(await timed(prepare, run))
  return heap ? { samples, ...(await measured(prepare, run)) } : { samples }
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
