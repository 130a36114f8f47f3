// 6. Redis: values through put → get → commit on a real redis-server, RedisStream against the same loop
// written directly on @redis/client.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { expect, ours, sumTo } from '../shared.mjs'

export const title = 'Redis'
export const description = [
  'Values 0 … n-1 through `put` → `get` → `commit` on a redis-server 7 that each benchmark process starts on a',
  'free loopback port (persistence off), lockstep: a batch is put, then every consumer name reads the whole',
  'batch and commits it (names run concurrently), then the next batch. "putAll of 100": `putAll` of 100 values,',
  '100 `get()`s and one `commit()` per name; "single puts": `put`, `get()` and `commit()` for each value. The',
  'hand-written loops do the same on one @redis/client connection: `MULTI` + 100 × `XADD` + `EXEC` (or one',
  '`XADD`), `XREADGROUP … COUNT 100` (or `COUNT 1`), `XACK` of the ids read, with the typed commands',
  '(`xAdd`, `xReadGroup`, `xAck`) or with `sendCommand` and raw replies. Values are JSON text in field `v`, as',
  "RedisStream's default codec stores them. Every run uses a fresh stream key; connecting and creating the",
  'groups stay untimed, closing the clients is timed. RedisStream runs with `trimInterval: 0` (the hand-written',
  'loops do not trim either). CPU time is the benchmark process only: work Redis does (RedisStream reads',
  'new entries in a `MULTI` that also asks for `XINFO GROUPS` and `XLEN`) shows in wall time, not CPU time.',
].join(' ')

/** Every run, and the start of redis-server, must finish within these bounds: the benchmark never hangs. */
const RUN_TIMEOUT = { quick: 20_000, full: 120_000 }
const START_TIMEOUT = 10_000

const NAMES = ['n0', 'n1', 'n2']
const INSTANCE = 'bench'
const noop = () => {}

// --- redis-server, one per benchmark process -------------------------------------------------------

let server

/** Starts this process's redis-server once; it is killed when the process exits, however it exits. */
function redisServer() {
  server ??= startServer()
  return server
}

async function startServer() {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    try {
      return await launch(port)
    } catch (error) {
      // Another process may have taken the port between our probe and redis binding it.
      if (attempt === 3 || error.code === 'ENOENT') throw error
    }
  }
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

async function launch(port) {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
  const child = spawn('redis-server', [...args, '--dir', tmpdir(), '--loglevel', 'warning'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const collect = (chunk) => {
    if (output.length < 10_000) output += chunk
  }
  child.stdout.setEncoding('utf8').on('data', collect)
  child.stderr.setEncoding('utf8').on('data', collect)
  const kill = () => child.kill('SIGKILL')
  process.on('exit', kill)
  // Should this process die without running exit handlers (SIGTERM from the harness's timeout, SIGKILL),
  // a shell holding the read end of a pipe from us kills redis-server once the pipe closes.
  const watchdog = spawn('sh', ['-c', 'trap "" INT; read _; kill -9 "$0" 2>/dev/null', String(child.pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
  })
  watchdog.on('error', noop)
  try {
    await new Promise((resolve, reject) => {
      let waiting = true
      const timer = setTimeout(
        () => fail(new Error(`redis-server on port ${port} did not answer PING within ${START_TIMEOUT} ms`)),
        START_TIMEOUT,
      )
      const fail = (error) => {
        waiting = false
        clearTimeout(timer)
        if (error.code === 'ENOENT') {
          error.message =
            'redis-server is not on PATH: the Redis benchmark needs it (apt-get install -y redis-server)'
        }
        reject(error)
      }
      child.once('error', fail)
      child.once('exit', (code, signal) => {
        fail(new Error(`redis-server exited (${code ?? signal}) before it was ready:\n${output}`))
      })
      waitForPong(port, () => waiting).then(() => {
        waiting = false
        clearTimeout(timer)
        resolve()
      }, fail)
    })
  } catch (error) {
    kill()
    process.off('exit', kill)
    watchdog.stdin.end()
    throw error
  }
  child.removeAllListeners('exit')
  child.removeAllListeners('error')
  child.on('error', noop)
  // Neither process may keep this one alive (profile.mjs ends when its runs are done).
  for (const handle of [child, child.stdout, child.stderr, watchdog, watchdog.stdin]) handle.unref()
  return { url: `redis://127.0.0.1:${port}` }
}

/** Polls with PING every 20 ms while `waiting()` says so. */
async function waitForPong(port, waiting) {
  while (waiting()) {
    if (await ping(port)) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

function ping(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' })
    let reply = ''
    socket.setEncoding('utf8')
    socket.setTimeout(1000, () => {
      socket.destroy()
      resolve(false)
    })
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (chunk) => {
      reply += chunk
      if (reply.includes('\r\n')) {
        socket.destroy()
        resolve(reply.startsWith('+PONG'))
      }
    })
    socket.on('error', () => resolve(false))
  })
}

// --- helpers ---------------------------------------------------------------------------------------

let runs = 0
/** A stream key no earlier run of this process used. */
const freshKey = () => `bench:redis:${process.pid}:${++runs}`

/** A plain client, failing fast like RedisStream's connections (no background reconnection). */
async function connect(createClient, url) {
  const client = createClient({ url, RESP: 2, socket: { reconnectStrategy: false } })
  client.on('error', noop)
  await client.connect()
  return client
}

/** Rejects when `promise` has not settled within `ms`. */
function bounded(promise, ms, what) {
  let timer
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)
  })
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

/**
 * Per implementation: `setup(url, key, names)` (untimed: connect, create the groups) returns what
 * `loop(state, n, batch)` needs; the loop puts n values in batches, has every name read and commit
 * each batch, closes its clients and returns the sum every name received.
 */
const adapters = {
  RedisStream: async () => {
    const RedisStream = await ours('@bigbuff/redis', 'RedisStream')
    return {
      async setup(url, key, names) {
        const stream = new RedisStream({ stream: key, url, trimInterval: 0 })
        const consumers = names.map((name) => stream.consumer(name, { instance: INSTANCE }))
        // Commands run in order on the stream's connection: once this answers, the groups exist.
        await stream.size()
        return { stream, consumers, values: [] }
      },
      async loop({ stream, consumers, values }, n, batch) {
        const take = async (consumer) => {
          let sum = 0
          for (let i = 0; i < batch; i++) sum += await consumer.get()
          await consumer.commit()
          return sum
        }
        let sum = 0
        for (let start = 0; start < n; start += batch) {
          if (batch === 1) await stream.put(start)
          else {
            for (let i = 0; i < batch; i++) values[i] = start + i
            await stream.putAll(values)
          }
          for (const part of await Promise.all(consumers.map(take))) sum += part
        }
        await stream.close()
        return sum
      },
    }
  },
  '@redis/client commands': async () => {
    const { createClient } = await import('@redis/client')
    return {
      async setup(url, key, names) {
        const client = await connect(createClient, url)
        for (const name of names) await client.xGroupCreate(key, name, '0', { MKSTREAM: true })
        return { client, key, names }
      },
      async loop({ client, key, names }, n, batch) {
        const take = async (name) => {
          const ids = []
          let sum = 0
          while (ids.length < batch) {
            const reply = await client.xReadGroup(
              name,
              INSTANCE,
              { key, id: '>' },
              { COUNT: batch - ids.length },
            )
            if (reply === null) throw new Error(`XREADGROUP found nothing for ${name}`)
            for (const { id, message } of reply[0].messages) {
              ids.push(id)
              sum += JSON.parse(message.v)
            }
          }
          await client.xAck(key, name, ids)
          return sum
        }
        let sum = 0
        for (let start = 0; start < n; start += batch) {
          if (batch === 1) await client.xAdd(key, '*', { v: JSON.stringify(start) })
          else {
            const multi = client.multi()
            for (let i = 0; i < batch; i++) multi.xAdd(key, '*', { v: JSON.stringify(start + i) })
            await multi.exec()
          }
          for (const part of await Promise.all(names.map(take))) sum += part
        }
        await client.close()
        return sum
      },
    }
  },
  '@redis/client sendCommand': async () => {
    const { createClient } = await import('@redis/client')
    return {
      async setup(url, key, names) {
        const client = await connect(createClient, url)
        for (const name of names) await client.sendCommand(['XGROUP', 'CREATE', key, name, '0', 'MKSTREAM'])
        return { client, key, names }
      },
      async loop({ client, key, names }, n, batch) {
        const take = async (name) => {
          const read = ['XREADGROUP', 'GROUP', name, INSTANCE, 'COUNT', '', 'STREAMS', key, '>']
          const ids = ['XACK', key, name]
          let sum = 0
          while (ids.length - 3 < batch) {
            read[5] = String(batch - (ids.length - 3))
            const reply = await client.sendCommand(read)
            if (reply === null) throw new Error(`XREADGROUP found nothing for ${name}`)
            for (const [id, fields] of reply[0][1]) {
              ids.push(id)
              sum += JSON.parse(fields[1])
            }
          }
          await client.sendCommand(ids)
          return sum
        }
        let sum = 0
        for (let start = 0; start < n; start += batch) {
          if (batch === 1) await client.sendCommand(['XADD', key, '*', 'v', JSON.stringify(start)])
          else {
            const multi = client.multi()
            for (let i = 0; i < batch; i++)
              multi.addCommand(['XADD', key, '*', 'v', JSON.stringify(start + i)])
            await multi.exec()
          }
          for (const part of await Promise.all(names.map(take))) sum += part
        }
        await client.close()
        return sum
      },
    }
  },
}

export function scenarios({ quick }) {
  const timeout = quick ? RUN_TIMEOUT.quick : RUN_TIMEOUT.full
  const sizes = { 100: quick ? 2_000 : 50_000, 1: quick ? 300 : 5_000 }
  const impls = (n, batch, names) =>
    Object.fromEntries(
      Object.entries(adapters).map(([impl, adapter]) => [
        impl,
        async () => {
          const { setup, loop } = await adapter()
          const { url } = await redisServer()
          const { createClient } = await import('@redis/client')
          const admin = await connect(createClient, url)
          // Never keeps the process alive; while a command runs, bounded()'s timer does.
          admin.unref()
          let previous
          return {
            async prepare() {
              // The previous run's stream goes, so every run starts on the same small dataset.
              if (previous !== undefined) await bounded(admin.del(previous), timeout, 'DEL')
              previous = freshKey()
              return bounded(setup(url, previous, names), timeout, `${impl} setup`)
            },
            async run(state) {
              const sum = await bounded(loop(state, n, batch), timeout, `${impl}: ${n} values`)
              expect(sum, names.length * sumTo(n), 'sum of the values every name received')
              return [state]
            },
          }
        },
      ]),
    )
  const targets = (label) =>
    ['@redis/client commands', '@redis/client sendCommand'].map((vs) => ({
      vs,
      atLeast: 1 / 1.1,
      label: `RedisStream within 10% of ${vs} (${label})`,
    }))
  const scenario = (batch, count) => {
    const n = sizes[batch]
    const how = batch === 1 ? 'single puts' : `putAll of ${batch}`
    const label = `${n / 1000}k values, ${how}, ${count} name${count === 1 ? '' : 's'}`
    return {
      id: `${batch === 1 ? 'single' : 'batch'}${count}`,
      label,
      ops: n,
      ours: 'RedisStream',
      impls: impls(n, batch, NAMES.slice(0, count)),
      targets: targets(`${how}, ${count} name${count === 1 ? '' : 's'}`),
    }
  }
  return [scenario(100, 1), scenario(100, 3), scenario(1, 1), scenario(1, 3)]
}
