// RedisWorkers across processes against redis-semaphore 5.8 (Semaphore over ioredis) and bottleneck
// 2.19 (maxConcurrent with its Redis datastore over ioredis), standalone like redis-exclusive.mjs.
//
//   node bench/workloads/redis-workers.mjs [--rounds=2] [--jobs=500] [--loops=20] [--processes=4] [--work=2]
//
// Starts a redis-server on a free port. For each library and round it forks `processes` children;
// each child runs `loops` loops that call the limiter one job after another until the child has run
// `jobs` jobs, with a limit of 10 jobs at once shared by all the children. A job waits `work` ms.
// Measured: jobs per second over the wall time from "go" until every child finished, and CPU per job
// (user + system of the children plus Redis's own CPU, from INFO, divided by the jobs run).
import { once } from 'node:events'
import { flag, forkChildren, standalone, startRedisServer } from './standalone-redis.mjs'

const LIMIT = 10
const ALL = ['RedisWorkers', 'redis-semaphore', 'bottleneck']
const only = process.argv.find((arg) => arg.startsWith('--only='))
const LIBRARIES = only ? only.slice(7).split(',') : ALL

await standalone({ main, child })

async function main() {
  const rounds = flag('rounds', 2)
  const jobs = flag('jobs', 500)
  const loops = flag('loops', 20)
  const processes = flag('processes', 4)
  const work = flag('work', 2)
  const { port, url, admin, stop } = await startRedisServer()
  const results = Object.fromEntries(LIBRARIES.map((library) => [library, []]))
  for (let round = 0; round < rounds; round++) {
    for (const library of LIBRARIES) {
      await admin.sendCommand(['FLUSHALL'])
      console.error(`round ${round + 1}: ${library}`)
      const name = `bench-${round}`
      const children = forkChildren(import.meta.url, processes, {
        library,
        port,
        url,
        name,
        jobs,
        loops,
        work,
      })
      const exited = Promise.all(children.map((c) => once(c, 'exit')))
      await Promise.all(children.map((c) => once(c, 'message')))
      const before = redisCpu(await admin.sendCommand(['INFO', 'cpu']))
      const started = performance.now()
      for (const c of children) c.send('go')
      const reports = await Promise.all(children.map((c) => once(c, 'message').then(([message]) => message)))
      const wall = performance.now() - started
      const redis = redisCpu(await admin.sendCommand(['INFO', 'cpu'])) - before
      await exited
      const total = reports.reduce((sum, report) => sum + report.jobs, 0)
      const cpu = reports.reduce((sum, report) => sum + report.cpu, 0) + redis * 1000
      results[library].push({ jobsPerSecond: (total / wall) * 1000, cpuPerJob: cpu / total })
    }
  }
  await stop()
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
  console.log(
    `${processes} processes × ${loops} loops × ${jobs} jobs each, limit ${LIMIT} across processes, work ${work} ms, ${rounds} rounds (median)`,
  )
  const ours = median(results.RedisWorkers.map((r) => r.jobsPerSecond))
  const oursCpu = median(results.RedisWorkers.map((r) => r.cpuPerJob))
  for (const library of LIBRARIES) {
    const rate = median(results[library].map((r) => r.jobsPerSecond))
    const cpu = median(results[library].map((r) => r.cpuPerJob))
    console.log(
      `${library.padEnd(16)} ${rate.toFixed(0).padStart(7)} jobs/s  ${cpu.toFixed(3).padStart(7)} ms CPU/job` +
        (library === 'RedisWorkers'
          ? ''
          : `   RedisWorkers: ${(ours / rate).toFixed(2)}× jobs/s, ${(cpu / oursCpu).toFixed(2)}× less CPU/job`),
    )
  }
  process.exit(0)
}

function redisCpu(info) {
  const field = (name) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)[1])
  return field('used_cpu_sys') + field('used_cpu_user')
}

async function child({ library, port, url, name, jobs, loops, work }) {
  const job = () => new Promise((resolve) => setTimeout(resolve, work))
  let call
  let close
  if (library === 'RedisWorkers') {
    const { RedisWorkers } = await import('@bigbuff/redis')
    const workers = new RedisWorkers({ name, url })
    await workers.call(LIMIT, () => {})
    call = () => workers.call(LIMIT, job)
    close = () => workers.close()
  } else if (library === 'redis-semaphore') {
    const { default: Redis } = await import('ioredis')
    const { Semaphore } = await import('redis-semaphore')
    const client = new Redis({ port, host: '127.0.0.1' })
    const options = { acquireTimeout: 600_000, retryInterval: 5, lockTimeout: 10_000, refreshInterval: 3333 }
    call = async () => {
      const semaphore = new Semaphore(client, name, LIMIT, options)
      await semaphore.acquire()
      try {
        await job()
      } finally {
        await semaphore.release()
      }
    }
    await call()
    close = () => client.quit()
  } else {
    const { default: Bottleneck } = await import('bottleneck')
    const limiter = new Bottleneck({
      id: name,
      maxConcurrent: LIMIT,
      datastore: 'ioredis',
      clearDatastore: false,
      clientOptions: { host: '127.0.0.1', port },
    })
    await limiter.ready()
    call = () => limiter.schedule(job)
    await call()
    close = () => limiter.disconnect()
  }
  process.send('ready')
  await new Promise((resolve) => process.once('message', resolve))
  let done = 0
  const cpu = process.cpuUsage()
  let next = 0
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (next < jobs) {
        next++
        await call()
        done++
      }
    }),
  )
  const used = process.cpuUsage(cpu)
  process.send({ jobs: done, cpu: (used.user + used.system) / 1000 })
  await close()
  process.exit(0)
}
