// Profiles one implementation of one scenario: warm-up, then timed runs under the V8 CPU profiler.
// Prints the functions with the most self time and writes the profile for Chrome DevTools.
// Usage: node profile.mjs <workload> <scenario id> <implementation> [runs=10] [--quick]
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { loadScenario } from './shared.mjs'

const [workload, scenarioId, implName, runsArg = '10'] = process.argv
  .slice(2)
  .filter((a) => !a.startsWith('--'))
const quick = process.argv.includes('--quick')
if (!implName) throw new Error('usage: node profile.mjs <workload> <scenario id> <implementation> [runs]')

const scenario = await loadScenario(workload, scenarioId, { quick })
const impl = await scenario.impls[implName]()
const { prepare = async () => undefined, run } = typeof impl === 'function' ? { run: impl } : impl
const once = async () => run(await prepare())

for (let i = 0; i < 2; i++) await once()
const session = new Session()
session.connect()
await session.post('Profiler.enable')
await session.post('Profiler.setSamplingInterval', { interval: 100 })
await session.post('Profiler.start')
const start = process.cpuUsage()
for (let i = 0; i < Number(runsArg); i++) await once()
const { user, system } = process.cpuUsage(start)
const { profile } = await session.post('Profiler.stop')
session.disconnect()

const file = `${workload}-${scenarioId}-${implName.replace(/\W+/g, '_')}.cpuprofile`
writeFileSync(file, JSON.stringify(profile))

const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
const self = new Map()
let total = 0
profile.samples.forEach((id, i) => {
  const { functionName, url, lineNumber, columnNumber } = nodes.get(id).callFrame
  const where = url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/\/.*?\/(packages|bench)\//, '$1/')
  const key = `${functionName || '(anonymous)'}  ${where}:${lineNumber + 1}:${columnNumber + 1}`
  const dt = profile.timeDeltas[i] ?? 0
  self.set(key, (self.get(key) ?? 0) + dt)
  total += dt
})
const perRun = (us) => `${(us / 1000 / Number(runsArg)).toFixed(2).padStart(8)} ms`
console.log(
  `${implName} in ${workload}/${scenarioId}: ${((user + system) / 1000 / Number(runsArg)).toFixed(1)} ms CPU per run`,
)
console.log('self time per run, top 25:')
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(`${perRun(us)} ${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`)
}
console.log(`wrote ${file}`)
