// Shared by the standalone Redis benchmarks (redis-exclusive.mjs, redis-workers.mjs); not a workload
// of run.mjs. Each of them is one script that runs as the parent (`main`) or, forked by it, as a
// child process (`child`, with its configuration as JSON in argv).
import { fork, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'

/** The number given as `--name=N` on the command line, or `fallback`. */
export function flag(name, fallback) {
  const found = process.argv.find((arg) => arg.startsWith(`--${name}=`))
  return found ? Number(found.split('=')[1]) : fallback
}

/** Runs `child(config)` in a process forked by {@link forkChildren}, `main()` otherwise. */
export async function standalone({ main, child }) {
  if (process.argv[2] === 'child') await child(JSON.parse(process.argv[3]))
  else await main()
}

/**
 * Starts a redis-server on a free loopback port without persistence (killed when this process
 * exits) and connects an admin client to it once it answers.
 * @returns `{ port, url, admin, stop() }`.
 */
export async function startRedisServer() {
  const port = await freePort()
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no', '--dir', tmpdir()],
    { stdio: 'ignore' },
  )
  process.on('exit', () => server.kill('SIGKILL'))
  const { createClient } = await import('@redis/client')
  const url = `redis://127.0.0.1:${port}`
  const admin = createClient({ url, RESP: 2 })
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.connect()
      break
    } catch (error) {
      if (attempt > 50) throw error
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  const stop = async () => {
    await admin.close()
    server.kill('SIGKILL')
  }
  return { port, url, admin, stop }
}

/** Forks `count` children running the script at `moduleUrl` (its `import.meta.url`) with `config`. */
export function forkChildren(moduleUrl, count, config) {
  return Array.from({ length: count }, () =>
    fork(fileURLToPath(moduleUrl), ['child', JSON.stringify(config)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  )
}

async function freePort() {
  const probe = createServer()
  probe.listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address()
  probe.close()
  await once(probe, 'close')
  return port
}
