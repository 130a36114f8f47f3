#!/usr/bin/env node
// A fleet of 4 Node processes sharing one RedisExclusive and one RedisWorkers from @bigbuff/redis.
// Each process calls an "expensive refresh" many times at once over a few keys (the fleet runs it
// once per batch, not once per process) and runs jobs under one fleet-wide limit. The parent checks
// what happened in Redis, prints a summary and, as its last line, the same figures as JSON.
import { fork } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { createClient } from '@redis/client'

const PROCESSES = 4
const settings = {
  url: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
  namespace: `redis-fleet:${randomUUID().slice(0, 8)}`,
  keys: ['prices', 'rates', 'catalog'],
  rounds: 3,
  callsPerKey: 20, // per process and round
  wait: 100, // ms a batch gathers callers (on the Redis clock) before it runs
  refreshMs: 50,
  jobs: 25, // per process
  limit: 3, // jobs running at once across the fleet
  jobMs: 20,
}
const TIMEOUT = 120_000

const key = (name) => `${settings.namespace}:demo:${name}`
// No reconnecting: a Redis that cannot be reached ends the demo at once with a clear message.
const redis = createClient({ url: settings.url, socket: { reconnectStrategy: false } })
redis.on('error', () => {})
try {
  await redis.connect()
} catch (error) {
  console.error(
    `Cannot reach Redis at ${settings.url} (${error.message}). Start one (redis-server) or set REDIS_URL.`,
  )
  process.exit(1)
}

const workerFile = fileURLToPath(new URL('./worker.mjs', import.meta.url))
const children = Array.from({ length: PROCESSES }, (_, index) => {
  const child = fork(workerFile, [JSON.stringify({ ...settings, index })], { stdio: 'inherit' })
  const listeners = new Set()
  child.on('message', (message) => {
    for (const listener of listeners) listener(message)
  })
  child.on('exit', (code, signal) => {
    if (code !== 0) fail(`process ${index} exited with ${code ?? signal}`)
  })
  /** The next message for which `accept` returns true; fails the demo on a worker's error. */
  child.next = (accept) =>
    new Promise((resolve) => {
      const listener = (message) => {
        if (message.failed !== undefined)
          fail(`process ${index} failed in ${message.failed}: ${message.error}`)
        if (!accept(message)) return
        listeners.delete(listener)
        resolve(message)
      }
      listeners.add(listener)
    })
  child.ready = child.next((message) => message.ready === true)
  return child
})

function fail(reason) {
  console.error(`redis-fleet: ${reason}`)
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  process.exit(1)
}
setTimeout(() => fail(`not finished after ${TIMEOUT / 1000} s`), TIMEOUT).unref()

/** Tells every process to do `op` at the same moment and waits until all of them did. */
async function everyone(op) {
  const done = children.map((child) => child.next((message) => message.done === op))
  for (const child of children) child.send({ op })
  return (await Promise.all(done)).map((message) => message.stats)
}

await Promise.all(children.map((child) => child.ready))
console.log(`${PROCESSES} processes share RedisExclusive and RedisWorkers on ${settings.url}`)
for (let round = 0; round < settings.rounds; round++) await everyone('round')
await everyone('jobs')
const processes = await everyone('close')
await Promise.all(
  children.map((child) =>
    child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : null,
  ),
)

const refresh = {}
for (const name of settings.keys) {
  const tokens = (await redis.lRange(key(`tokens:${name}`), 0, -1)).map(Number)
  refresh[name] = {
    calls: PROCESSES * settings.rounds * settings.callsPerKey,
    runs: Number(await redis.get(key(`runs:${name}`))),
    maxOverlap: Number(await redis.get(key(`overlap-max:${name}`))),
    tokensIncreasing: tokens.every((token, i) => i === 0 || token > tokens[i - 1]),
  }
}
const jobTokens = processes.flatMap((stats) => stats.jobTokens)
const summary = {
  processes: processes.map(({ jobTokens: _, ...stats }) => stats),
  refresh,
  calls: processes.reduce((sum, stats) => sum + stats.calls, 0),
  runs: Object.values(refresh).reduce((sum, entry) => sum + entry.runs, 0),
  batches: settings.rounds * settings.keys.length,
  limit: settings.limit,
  jobs: processes.reduce((sum, stats) => sum + stats.jobs, 0),
  maxConcurrent: Number(await redis.get(key('running-max'))),
  jobTokensUnique: new Set(jobTokens).size === jobTokens.length,
}
const scan = await redis.keys(`${settings.namespace}:demo:*`)
if (scan.length > 0) await redis.del(scan)
redis.destroy()

console.log('\nExpensive refresh (RedisExclusive, shared across the fleet):')
for (const [name, entry] of Object.entries(refresh)) {
  console.log(
    `  ${name.padEnd(8)} ${String(entry.calls).padStart(4)} calls -> ${entry.runs} runs` +
      ` (per-process de-duplication alone: ${PROCESSES * settings.rounds}); runs overlapped: ${entry.maxOverlap > 1 ? 'YES' : 'never'};` +
      ` fencing tokens ${entry.tokensIncreasing ? 'strictly increasing' : 'NOT increasing'}`,
  )
}
console.log(
  `  ${summary.calls} calls in ${settings.rounds} rounds, ${summary.runs} runs for ${summary.batches} batches`,
)
console.log(`\nJobs (RedisWorkers, limit ${settings.limit} across the fleet):`)
console.log(
  `  ${summary.jobs} jobs, at most ${summary.maxConcurrent} running at once (limit ${settings.limit})`,
)
console.log('\nPer process:')
for (const stats of summary.processes)
  console.log(
    `  #${stats.index} pid ${stats.pid}: ${stats.calls} calls, ran ${stats.runs} refreshes, ` +
      `${stats.servedByOthers} results computed by another process, ${stats.jobs} jobs`,
  )

const problems = [
  ...Object.entries(refresh).flatMap(([name, entry]) => [
    ...(entry.runs >= entry.calls ? [`${name}: as many runs as calls`] : []),
    ...(entry.maxOverlap > 1 ? [`${name}: runs overlapped`] : []),
    ...(entry.tokensIncreasing ? [] : [`${name}: fencing tokens did not increase`]),
  ]),
  ...(summary.maxConcurrent > settings.limit
    ? [`${summary.maxConcurrent} jobs ran at once, limit ${settings.limit}`]
    : []),
  ...(summary.jobTokensUnique ? [] : ['two jobs got the same fencing token']),
]
summary.ok = problems.length === 0
console.log(summary.ok ? '\nAll checks passed.' : `\nFAILED: ${problems.join('; ')}`)
console.log(JSON.stringify(summary))
process.exitCode = summary.ok ? 0 : 1
