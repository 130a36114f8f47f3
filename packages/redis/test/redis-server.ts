/// <reference types="node" />
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createConnection, createServer } from 'node:net'

/** A redis-server child process on a loopback port, persistence off, owned by the tests. */
export interface RedisServer {
  readonly port: number
  readonly url: string
  /** Stops the server (SIGKILL by default) and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>
  /** Starts the server again on the same port (empty: nothing was persisted). */
  restart(): Promise<void>
}

const READY_TIMEOUT = 10_000

/** Finds a free loopback port (the kernel picks; the window before redis binds it is tiny). */
export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  await once(server, 'close')
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  return address.port
}

/** Starts `redis-server`; fails with a clear message when it is not installed. */
export async function startRedis(port?: number): Promise<RedisServer> {
  const chosen = port ?? (await freePort())
  let child = await launch(chosen)
  return {
    port: chosen,
    url: `redis://127.0.0.1:${chosen}`,
    async stop(signal = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill(signal)
      await exited
    },
    async restart() {
      if (child.exitCode === null && child.signalCode === null)
        throw new Error('redis-server is still running')
      child = await launch(chosen)
    },
  }
}

async function launch(port: number): Promise<ChildProcess> {
  const args = ['--save', '', '--appendonly', 'no', '--port', String(port), '--bind', '127.0.0.1']
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new Error(
              'redis-server is not on PATH: the @bigbuff/redis tests need a real Redis ≥ 6.2 ' +
                '(Debian/Ubuntu: apt-get install -y redis-server)',
            )
          : error,
      )
    })
    child.once('exit', (code, signal) => {
      reject(new Error(`redis-server exited (${code ?? signal}) before it was ready:\n${output}`))
    })
  })
  failed.catch(() => {})
  await Promise.race([failed, waitForPong(port)])
  child.removeAllListeners('exit')
  return child
}

/** Polls the port with PING until the server answers PONG. */
async function waitForPong(port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT
  for (;;) {
    if (await ping(port)) return
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' })
    let reply = ''
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (chunk) => {
      reply += chunk.toString()
      if (reply.includes('\r\n')) {
        socket.destroy()
        resolve(reply.startsWith('+PONG'))
      }
    })
    socket.on('error', () => resolve(false))
  })
}
