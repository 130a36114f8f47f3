/// <reference types="node" />
import { createClient } from '@redis/client'
import { afterEach, inject } from 'vitest'
import { RedisStream } from '../src/index.js'
import type { RedisStreamOptions } from '../src/types.js'

/** The URL of the redis-server started by the global setup. */
export const redisUrl: string = inject('redisUrl')

let counter = 0

/** A stream key no other test uses. */
export function uniqueKey(label = 'stream'): string {
  counter++
  return `test:${label}:${process.pid}:${counter}:${Math.random().toString(36).slice(2, 8)}`
}

const opened: RedisStream<unknown>[] = []

afterEach(async () => {
  const streams = opened.splice(0)
  await Promise.all(streams.map((stream) => stream.close()))
})

/** Opens a stream on the shared server with a fresh key (unless given); closed after the test. */
export function openStream<T = number>(options: Partial<RedisStreamOptions<T>> = {}): RedisStream<T> {
  const stream = new RedisStream<T>({ stream: uniqueKey(), url: redisUrl, trimInterval: 0, ...options })
  opened.push(stream as RedisStream<unknown>)
  return stream
}

/** A plain client for looking at what the library stored. */
export async function rawClient(url = redisUrl) {
  const client = createClient({ url, RESP: 2, socket: { reconnectStrategy: false } })
  client.on('error', () => {})
  await client.connect()
  return client
}

/** Polls `condition` every few ms until it holds or `timeout` ms pass (then throws). */
export async function until(condition: () => boolean | Promise<boolean>, timeout = 5000): Promise<void> {
  const deadline = Date.now() + timeout
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
