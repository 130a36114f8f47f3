/// <reference types="node" />
import { createClient } from '@redis/client'
import { afterEach, inject } from 'vitest'
import { RedisStream } from '../src/index.js'
import type { RedisStreamOptions } from '../src/types.js'
import './provided-context.js'

/** The URL of the redis-server started by the global setup. */
export const redisUrl: string = inject('redisUrl')

let counter = 0

/** A stream key no other test uses. */
export function uniqueKey(label = 'stream'): string {
  counter++
  return `test:${label}:${process.pid}:${counter}:${Math.random().toString(36).slice(2, 8)}`
}

const opened: RedisStream<unknown>[] = []
const keys = new WeakMap<object, string>()

afterEach(async () => {
  const streams = opened.splice(0)
  await Promise.all(streams.map((stream) => stream.close()))
})

/** Opens a stream on the shared server with a fresh key (unless given); closed after the test. */
export function openStream<T = number>(options: Partial<RedisStreamOptions<T>> = {}): RedisStream<T> {
  const key = options.stream ?? uniqueKey()
  const stream = new RedisStream<T>({ url: redisUrl, trimInterval: 0, ...options, stream: key })
  opened.push(stream as RedisStream<unknown>)
  keys.set(stream, key)
  return stream
}

/** The key of a stream made by {@link openStream}. */
export function keyOf<T>(stream: RedisStream<T>): string {
  const key = keys.get(stream)
  if (key === undefined) throw new Error('not a stream from openStream()')
  return key
}

/** How many consumers (instances) group `group` of stream `key` has; each registers on its first read. */
export async function groupConsumers(key: string, group: string): Promise<number> {
  const client = await rawClient()
  try {
    const groups = (await client.sendCommand(['XINFO', 'GROUPS', key]).catch(() => [])) as unknown[][]
    const info = groups.find((entry) => entry[1] === group)
    return info === undefined ? 0 : (info[3] as number)
  } finally {
    client.destroy()
  }
}

/** The values stored in stream `key`, oldest first, as the text of their "v" field. */
export async function storedTexts(key: string): Promise<string[]> {
  const client = await rawClient()
  try {
    const reply = (await client.sendCommand(['XRANGE', key, '-', '+'])) as [string, string[]][]
    return reply.map(([, fields]) => fields[1]!)
  } finally {
    client.destroy()
  }
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

/** Sends one command on a fresh plain client and returns its reply. */
export async function raw(args: string[], url = redisUrl): Promise<unknown> {
  const client = await rawClient(url)
  try {
    return await client.sendCommand(args)
  } finally {
    client.destroy()
  }
}

/** Resolves after `ms` real milliseconds (the tests talk to a real redis-server). */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** A promise and the function that resolves it. */
export function gate(): { promise: Promise<void>; release: () => void } {
  let release!: () => void
  const promise = new Promise<void>((resolve) => {
    release = resolve
  })
  return { promise, release }
}
