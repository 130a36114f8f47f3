// Runs every workload: each implementation in fresh `node --expose-gc` child processes, rounds
// interleaved (the order rotates each round) so machine drift hits every implementation alike.
// Usage: node run.mjs [--quick] [--only=limiter,channels] [--rounds=N] [--out=FILE] [--json=FILE] [--render=FILE]
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { environment, renderReport } from './report.mjs'
import { WORKLOADS } from './shared.mjs'

const args = process.argv.slice(2)
const flag = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
const quick = args.includes('--quick')
const only = flag('only')?.split(',') ?? WORKLOADS
// Full mode: 3 fresh processes per implementation and scenario, each 2 warm-up + 3 timed runs (and one
// more run for the retained heap).
const settings = quick
  ? { rounds: 1, warmup: 0, runs: 1, timeout: 60_000 }
  : { rounds: Number(flag('rounds') ?? 3), warmup: 2, runs: 3, timeout: 600_000 }
const out =
  flag('out') ?? (quick || flag('render') ? undefined : fileURLToPath(new URL('RESULTS.md', import.meta.url)))
const childPath = fileURLToPath(new URL('child.mjs', import.meta.url))

for (const name of only) if (!WORKLOADS.includes(name)) throw new Error(`unknown workload ${name}`)

function runChild(workload, scenario, impl) {
  const argv = [
    '--expose-gc',
    childPath,
    workload,
    scenario.id,
    impl,
    settings.warmup,
    scenario.runs ?? settings.runs,
  ]
  if (quick) argv.push('--quick')
  // The quick run only checks that everything works: the retained-heap run is left to the workloads
  // that are about memory.
  if (quick && !scenario.memory) argv.push('--no-heap')
  const child = spawnSync(process.execPath, argv.map(String), {
    encoding: 'utf8',
    timeout: settings.timeout,
    maxBuffer: 1 << 24,
  })
  const last = child.stdout.trim().split('\n').at(-1)
  if (child.status !== 0 || !last) {
    const why = child.error?.message ?? (child.signal ? `killed by ${child.signal}` : `exit ${child.status}`)
    throw new Error(`${workload}/${scenario.id}/${impl} failed (${why}):\n${child.stderr}`)
  }
  return JSON.parse(last)
}

/** A concurrent build (tsup cleans `dist` first) can hide a package for a moment: retry before giving up. */
function runAvailable(workload, scenario, impl) {
  for (let attempt = 1; ; attempt++) {
    const result = runChild(workload, scenario, impl)
    if (!result.unavailable || attempt === 3) return result
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5000)
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

function measure(workload, scenario) {
  const names = Object.keys(scenario.impls)
  const samples = Object.fromEntries(names.map((n) => [n, { runs: [], retained: [], ticks: [] }]))
  const unavailable = {}
  for (let round = 0; round < settings.rounds; round++) {
    const shift = round % names.length
    for (const impl of [...names.slice(shift), ...names.slice(0, shift)]) {
      if (unavailable[impl]) continue
      const result = runAvailable(workload, scenario, impl)
      if (result.unavailable) unavailable[impl] = result.unavailable
      else {
        samples[impl].runs.push(...result.samples)
        if (result.retained !== undefined) samples[impl].retained.push(result.retained)
        if (result.ticks !== undefined) samples[impl].ticks.push(result.ticks)
      }
    }
  }
  return names.map((impl) => {
    if (unavailable[impl]) return { impl, unavailable: unavailable[impl] }
    const { runs, retained, ticks } = samples[impl]
    const cpu = runs.map((run) => run.cpu)
    return {
      impl,
      samples: cpu.length,
      median: median(cpu),
      min: Math.min(...cpu),
      max: Math.max(...cpu),
      wall: median(runs.map((run) => run.time)),
      retained: retained.length > 0 ? median(retained) : undefined,
      ticks: ticks.length > 0 ? Math.min(...ticks) : undefined,
    }
  })
}

async function measureAll() {
  const started = Date.now()
  const results = []
  for (const name of only) {
    const mod = await import(`./workloads/${name}.mjs`)
    const scenarios = mod.scenarios({ quick }).map((scenario) => {
      process.stderr.write(`${name} / ${scenario.label} …`)
      const t = Date.now()
      const rows = measure(name, { ...scenario, memory: mod.metric === 'bytes' })
      process.stderr.write(` ${((Date.now() - t) / 1000).toFixed(1)} s\n`)
      const { impls, ...rest } = scenario
      return { ...rest, rows }
    })
    results.push({
      name,
      title: mod.title,
      description: mod.description,
      metric: mod.metric,
      showTicks: mod.showTicks,
      scenarios,
    })
  }
  const env = {
    ...environment(),
    mode: quick ? 'quick' : 'full',
    settings,
    seconds: (Date.now() - started) / 1000,
  }
  return { results, env }
}

// --render=FILE re-renders a report from the measurements a previous run saved with --json=FILE.
const rendered = flag('render')
const { results, env } = rendered ? JSON.parse(readFileSync(rendered, 'utf8')) : await measureAll()
if (flag('json')) writeFileSync(flag('json'), JSON.stringify({ results, env }, null, 1))
const { markdown, missing } = renderReport(results, env)
process.stdout.write(`${markdown}\n`)
if (out) {
  writeFileSync(out, `${markdown}\n`)
  process.stderr.write(`wrote ${out}\n`)
}
// Ratios are reported, never enforced: this machine is shared and noisy. A package that is not built
// or does not export its API yet is an error, though: that is exactly the rot this run exists to catch.
if (missing.length > 0 && !args.includes('--allow-missing')) {
  process.stderr.write(`not measured (package missing its export or build):\n  ${missing.join('\n  ')}\n`)
  process.exitCode = 1
}
