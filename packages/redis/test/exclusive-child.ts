/// <reference types="node" />
/**
 * A process sharing a RedisExclusive namespace, for the multi-process tests (bundled by
 * child-runner.ts). argv[2] is a JSON {@link ExclusiveChildConfig}; events are JSON lines.
 */
import { createClient } from '@redis/client'
import { RedisExclusive } from '../src/index.js'
import { emit } from './child-runner.js'

export interface ExclusiveChildConfig {
  readonly url: string
  readonly namespace: string
  readonly lease?: number
  /**
   * 'load': `waves` waves of `callers` calls spread over `keys`, each run INCR/DECRs a counter.
   * 'hang': one call on `keys[0]` whose work never settles (emits 'running' with its token).
   */
  readonly mode: 'load' | 'hang'
  readonly keys: readonly string[]
  readonly callers?: number
  readonly waves?: number
  readonly wait?: number
  readonly workMs?: number
}

export interface ExclusiveChildEvent {
  readonly ready?: true
  readonly ran?: string
  readonly key?: string
  readonly concurrent?: number
  readonly token?: number
  readonly start?: number
  readonly results?: { key: string; callAt: number; start: number; run: string; token: number }[]
  readonly running?: true
  readonly finished?: true
  readonly error?: string
}

const config = JSON.parse(process.argv[2] ?? '{}') as ExclusiveChildConfig
const exclusive = new RedisExclusive({ url: config.url, namespace: config.namespace, lease: config.lease })
const client = createClient({ url: config.url, RESP: 2, socket: { reconnectStrategy: false } })
client.on('error', () => {})
await client.connect()

/** The Redis clock in microseconds. */
async function time(): Promise<number> {
  const [seconds, micros] = (await client.sendCommand(['TIME'])) as [string, string]
  return Number(seconds) * 1_000_000 + Number(micros)
}

let runs = 0
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

if (config.mode === 'hang') {
  const key = config.keys[0]!
  emit({ ready: true })
  await exclusive
    .call(
      key,
      async ({ token }) => {
        emit({ running: true, token })
        await new Promise(() => {})
      },
      { wait: config.wait },
    )
    .catch((error: unknown) => emit({ error: String(error) }))
} else {
  const results: NonNullable<ExclusiveChildEvent['results']> = []
  emit({ ready: true })
  for (let wave = 0; wave < (config.waves ?? 1); wave++) {
    const calls: Promise<void>[] = []
    for (let i = 0; i < (config.callers ?? 1); i++) {
      const key = config.keys[(i + wave) % config.keys.length]!
      calls.push(
        (async () => {
          const callAt = await time()
          const result = await exclusive.call(
            key,
            async ({ token }) => {
              const start = await time()
              const run = `${process.pid}:${++runs}`
              const concurrent = Number(
                await client.sendCommand(['INCR', `${config.namespace}:running:${key}`]),
              )
              emit({ ran: run, key, concurrent, token, start })
              await sleep(config.workMs ?? 5)
              await client.sendCommand(['DECR', `${config.namespace}:running:${key}`])
              return { start, run, token }
            },
            { wait: config.wait },
          )
          results.push({ key, callAt, ...result })
        })(),
      )
    }
    await Promise.all(calls)
  }
  emit({ results })
  await exclusive.close()
  client.destroy()
  emit({ finished: true })
}
