/// <reference types="node" />
import { createClient, SocketClosedUnexpectedlyError } from '@redis/client'
import { afterEach, describe, expect, it } from 'vitest'
import { type RedisServer, startRedis } from '../../test/redis-server.js'
import { RedisExclusive } from './redis-exclusive.js'

const servers: RedisServer[] = []
const opened: RedisExclusive[] = []

afterEach(async () => {
  await Promise.all(opened.splice(0).map((exclusive) => exclusive.close()))
  await Promise.all(servers.splice(0).map((server) => server.stop()))
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function shutdown(server: RedisServer): Promise<void> {
  const client = createClient({ url: server.url, RESP: 2, socket: { reconnectStrategy: false } })
  client.on('error', () => {})
  await client.connect()
  await client.sendCommand(['SHUTDOWN', 'NOSAVE']).catch(() => {})
  client.destroy()
  await server.stop()
}

describe('RedisExclusive when Redis restarts', () => {
  it('mid-run: every call completes or rejects with the client error within a bound, and everything works afterwards', async () => {
    const server = await startRedis()
    servers.push(server)
    const a = new RedisExclusive({ url: server.url, namespace: 'restart', lease: 600 })
    const b = new RedisExclusive({ url: server.url, namespace: 'restart', lease: 600 })
    opened.push(a, b)
    await Promise.all([a.call('warm', () => 0), b.call('warm', () => 0)])
    const settled: { ok: boolean; value: unknown }[] = []
    const track = (promise: Promise<unknown>) =>
      promise.then(
        (value) => settled.push({ ok: true, value }),
        (value: unknown) => settled.push({ ok: false, value }),
      )
    let runSignal: AbortSignal | undefined
    const calls = [
      track(
        a.call('k', async ({ signal }) => {
          runSignal = signal
          await sleep(400)
          return 'first'
        }),
      ),
    ]
    await sleep(50)
    for (let i = 0; i < 5; i++) {
      calls.push(track(a.call('k', () => 'second')))
      calls.push(track(b.call('k', () => 'second')))
      calls.push(track(b.call('other', () => sleep(300).then(() => 'other'), { wait: 100 })))
    }
    await sleep(50)
    const stoppedAt = performance.now()
    await shutdown(server)
    await server.restart()
    await Promise.all(calls)
    expect(performance.now() - stoppedAt).toBeLessThan(3000)
    expect(settled).toHaveLength(16)
    for (const outcome of settled) {
      if (outcome.ok) expect(['first', 'second', 'other']).toContain(outcome.value)
      else expect(outcome.value).toBeInstanceOf(Error)
    }
    // The run in progress lost its lease (Redis forgot it) or finished.
    expect(runSignal).toBeDefined()
    // Scripts are reloaded after the restart (NOSCRIPT) and batches work again.
    const again = await Promise.all([
      a.call('k', () => 'a', { wait: 200 }),
      b.call('k', () => 'b', { wait: 200 }),
    ])
    expect(again[0]).toBe(again[1])
    expect(await b.call('fresh', ({ token }) => token)).toBeGreaterThan(0)
  }, 20_000)

  it('while Redis is down: calls reject promptly with the client error', async () => {
    const server = await startRedis()
    servers.push(server)
    const a = new RedisExclusive({ url: server.url, namespace: 'down', lease: 600 })
    opened.push(a)
    await a.call('k', () => 0)
    await shutdown(server)
    const started = performance.now()
    // The client's error: ECONNREFUSED, or the loss of the connection it had when the call was sent
    // before it noticed the shutdown.
    const error = await a
      .call('k', () => 1)
      .then(
        () => undefined,
        (reason: unknown) => reason,
      )
    const code = (error as { code?: unknown } | undefined)?.code
    expect(
      code === 'ECONNREFUSED' ||
        code === 'ECONNRESET' ||
        code === 'EPIPE' ||
        error instanceof SocketClosedUnexpectedlyError,
      String(error),
    ).toBe(true)
    expect(performance.now() - started).toBeLessThan(2000)
    await server.restart()
    expect(await a.call('k', () => 2)).toBe(2)
  }, 20_000)

  it('a start() run that cannot report its outcome because Redis went away reports to onError', async () => {
    const server = await startRedis()
    servers.push(server)
    const errors: unknown[] = []
    const a = new RedisExclusive({
      url: server.url,
      namespace: 'finish',
      lease: 5000,
      onError: (e) => errors.push(e),
    })
    opened.push(a)
    const releases: ((value: unknown) => void)[] = []
    const failure = new Error('work failed')
    a.start('ok', () => new Promise((resolve) => releases.push(resolve)))
    a.start('failed', () => new Promise((_, reject) => releases.push(() => reject(failure))))
    while (releases.length < 2) await sleep(10)
    await server.stop()
    for (const release of releases) release('value')
    while (errors.length < 2) await sleep(10)
    expect(errors).toContain(failure)
    expect(errors.find((error) => error !== failure)).toBeInstanceOf(Error)
  }, 20_000)
})
