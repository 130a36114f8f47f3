/// <reference types="node" />
import { createClient, SocketClosedUnexpectedlyError } from '@redis/client'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { freePort, type RedisServer, startRedis } from '../test/redis-server.js'
import { RedisStream } from './index.js'

const servers: RedisServer[] = []
const streams: RedisStream<unknown>[] = []

afterEach(async () => {
  await Promise.all(streams.splice(0).map((stream) => stream.close()))
  await Promise.all(servers.splice(0).map((server) => server.stop()))
})

async function ownServer(): Promise<RedisServer> {
  const server = await startRedis()
  servers.push(server)
  return server
}

function open<T = number>(url: string): RedisStream<T> {
  const stream = new RedisStream<T>({ stream: 'outage', url, trimInterval: 0 })
  streams.push(stream as RedisStream<unknown>)
  return stream
}

describe('RedisStream when Redis is unreachable', () => {
  it('put(), putAll(), size(), trim() and get() reject promptly with the client error', async () => {
    const stream = open(`redis://127.0.0.1:${await freePort()}`)
    const consumer = stream.consumer('reader')
    const started = Date.now()
    const refused = { code: 'ECONNREFUSED' }
    await expect(stream.put(1)).rejects.toMatchObject(refused)
    await expect(stream.putAll([1, 2])).rejects.toMatchObject(refused)
    await expect(stream.size()).rejects.toMatchObject(refused)
    await expect(stream.trim()).rejects.toMatchObject(refused)
    await expect(consumer.get()).rejects.toMatchObject(refused)
    expect(Date.now() - started).toBeLessThan(2000)
    await consumer.close()
    await stream.close()
  })
})

describe('RedisStream when the connection is lost', () => {
  it('a get() waiting on a stopped server rejects, and the same consumer works after a restart', async () => {
    const server = await ownServer()
    const stream = open(server.url)
    const consumer = stream.consumer('reader')
    await stream.put(1)
    expect(await consumer.get()).toBe(1)
    await consumer.commit()
    const waiting = consumer.get().catch((error: unknown) => error)
    await waitForBlockedClient(server)
    await server.stop()
    expectConnectionLoss(await waiting)
    await server.restart()
    await stream.put(2)
    expect(await consumer.get()).toBe(2)
    await consumer.commit()
    expect(await stream.size()).toBe(1)
  })

  it('a put() in flight when the server stops rejects, and the next put() succeeds after a restart', async () => {
    const server = await ownServer()
    const stream = open(server.url)
    await stream.put(0)
    const admin = await adminClient(server)
    await admin.sendCommand(['CLIENT', 'PAUSE', '10000', 'WRITE'])
    const putting = stream.put(1).catch((error: unknown) => error)
    const puttingAll = stream.putAll([2, 3]).catch((error: unknown) => error)
    await waitForBlockedClient(server)
    await server.stop()
    expectConnectionLoss(await putting)
    expectConnectionLoss(await puttingAll)
    await server.restart()
    await stream.putAll([4, 5])
    await stream.put(6)
    const consumer = stream.consumer('reader')
    expect([await consumer.get(), await consumer.get(), await consumer.get()]).toEqual([4, 5, 6])
  })
})

describe('the retention pass during an outage', () => {
  it('fails quietly while Redis is down and trims again once it is back', async () => {
    const server = await ownServer()
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      const stream = new RedisStream<number>({ stream: 'outage', url: server.url, trimInterval: 20 })
      streams.push(stream as RedisStream<unknown>)
      const consumer = stream.consumer('reader')
      await stream.putAll([1, 2, 3])
      for (let i = 0; i < 3; i++) await consumer.get()
      await consumer.commit()
      await server.stop()
      vi.advanceTimersByTime(20)
      // A command sent behind the pass settles after it: the pass has failed by then.
      expect(await stream.size().catch((error: unknown) => error)).toBeInstanceOf(Error)
      await server.restart()
      await stream.putAll([4, 5])
      const again = stream.consumer('reader')
      expect([await again.get(), await again.get()]).toEqual([4, 5])
      await again.commit()
      vi.advanceTimersByTime(20)
      // The restarted server has no scripts cached, so the pass is sent again as EVAL: poll.
      while ((await stream.size()) !== 0) await new Promise((resolve) => setImmediate(resolve))
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('RedisStream.close() during an outage', () => {
  it('resolves when the server dies while commands are still in flight', async () => {
    const server = await ownServer()
    const stream = open(server.url)
    const consumer = stream.consumer('n')
    await stream.put(0)
    const admin = await adminClient(server)
    await admin.sendCommand(['CLIENT', 'PAUSE', '10000', 'WRITE'])
    const putting = stream.put(1).catch((error: unknown) => error)
    await waitForBlockedClient(server)
    const closing = stream.close()
    await server.stop()
    await closing
    expectConnectionLoss(await putting)
    expect(consumer.closed).toBe(true)
  })
})

describe('RedisStream consumer when its connection drops mid-read', () => {
  it('re-reads what Redis delivered in the lost reply before anything new: no loss, no reordering', async () => {
    const server = await ownServer()
    const stream = open(server.url)
    const consumer = stream.consumer('n', { instance: 'me' })
    await stream.put(1)
    expect(await consumer.get()).toBe(1)
    // Redis delivers 2 and 3 to this instance, but the reply never reaches it.
    await stream.putAll([2, 3])
    const admin = await adminClient(server)
    await admin.sendCommand(['XREADGROUP', 'GROUP', 'n', 'me', 'COUNT', '2', 'STREAMS', 'outage', '>'])
    await stream.put(4)
    // The next read is queued behind a write pause, then every connection is dropped.
    await admin.sendCommand(['CLIENT', 'PAUSE', '10000', 'WRITE'])
    const failing = consumer.get().catch((error: unknown) => error)
    await waitForBlockedClient(server)
    await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes'])
    expectConnectionLoss(await failing)
    await admin.sendCommand(['CLIENT', 'UNPAUSE'])
    admin.destroy()
    expect([await consumer.get(), await consumer.get(), await consumer.get()]).toEqual([2, 3, 4])
    expect(consumer.pending).toBe(4)
  })

  it('commit() rejects with the client error and keeps the values pending; it succeeds once Redis is back', async () => {
    const server = await ownServer()
    const stream = open(server.url)
    const consumer = stream.consumer('n', { instance: 'me' })
    await stream.putAll([1, 2])
    expect(await consumer.get()).toBe(1)
    await server.stop()
    // The first command meets the dropped connection, the next one a refused reconnection.
    await expect(consumer.commit()).rejects.toBeInstanceOf(Error)
    await expect(consumer.commit()).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    expect(consumer.pending).toBe(1)
    await server.restart()
    await consumer.commit()
    expect(consumer.pending).toBe(0)
  })
})

/** A dropped connection surfaces as the client's SocketClosedUnexpectedlyError, or ECONNRESET/EPIPE. */
function expectConnectionLoss(error: unknown): void {
  const code = (error as { code?: unknown }).code
  expect(
    error instanceof SocketClosedUnexpectedlyError || code === 'ECONNRESET' || code === 'EPIPE',
    String(error),
  ).toBe(true)
}

async function adminClient(server: RedisServer) {
  const client = createClient({ url: server.url, RESP: 2, socket: { reconnectStrategy: false } })
  client.on('error', () => {})
  await client.connect()
  return client
}

/** Waits until some client of `server` is blocked (a get() waiting in XREAD … BLOCK). */
async function waitForBlockedClient(server: RedisServer): Promise<void> {
  const admin = await adminClient(server)
  try {
    for (;;) {
      const info = String(await admin.sendCommand(['INFO', 'clients']))
      if (/blocked_clients:[1-9]/.test(info)) return
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  } finally {
    admin.destroy()
  }
}
