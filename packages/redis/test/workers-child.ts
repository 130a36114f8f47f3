/// <reference types="node" />
/**
 * A process sharing a RedisWorkers name with the test and other children. Commands (JSON lines on
 * stdin):
 * - `{ op: 'run', jobs, count, ms }`: runs `jobs` calls at once; each job counts itself in and out
 *   of the Redis counter `<name>:test:running` (recording the highest value in `<name>:test:max`)
 *   around a sleep of `ms`; emits `{ ran, tokens }` when all settled.
 * - `{ op: 'call', label, count, hold }`: one call whose job appends `label` to the Redis list
 *   `<name>:test:starts` and emits `{ started: label, token }`; with `hold` it runs until
 *   `{ op: 'finish', label }`. Emits `{ settled: label, ok }` when the call settles.
 */
import { createInterface } from 'node:readline'
import { createClient } from '@redis/client'
import { RedisWorkers } from '../src/index.js'

interface Config {
  readonly url: string
  readonly name: string
  readonly lease: number
}

const config = JSON.parse(process.argv[2]!) as Config
const emit = (event: unknown): void => {
  process.stdout.write(`${JSON.stringify(event)}\n`)
}
const workers = new RedisWorkers({ name: config.name, url: config.url, lease: config.lease })
const redis = createClient({ url: config.url, RESP: 2 })
redis.on('error', () => {})
await redis.connect()
const COUNT_IN = `local v = redis.call('INCR', KEYS[1])
if v > tonumber(redis.call('GET', KEYS[2]) or '0') then redis.call('SET', KEYS[2], v) end
return v`
const held = new Map<string, () => void>()

async function run(jobs: number, count: number, ms: number): Promise<void> {
  const tokens = await Promise.all(
    Array.from({ length: jobs }, () =>
      workers.call(count, async ({ token }) => {
        await redis.sendCommand([
          'EVAL',
          COUNT_IN,
          '2',
          `${config.name}:test:running`,
          `${config.name}:test:max`,
        ])
        await new Promise((resolve) => setTimeout(resolve, ms))
        await redis.sendCommand(['DECR', `${config.name}:test:running`])
        return token
      }),
    ),
  )
  emit({ ran: jobs, tokens })
}

function call(label: string, count: number, hold: boolean): void {
  workers
    .call(count, async ({ token, signal }) => {
      await redis.sendCommand(['RPUSH', `${config.name}:test:starts`, label])
      emit({ started: label, token })
      if (hold) {
        await new Promise<void>((resolve) => {
          held.set(label, resolve)
          signal.addEventListener('abort', () => resolve())
        })
      }
    })
    .then(
      () => emit({ settled: label, ok: true }),
      (error: unknown) => emit({ settled: label, ok: false, error: String(error) }),
    )
}

emit({ ready: true })
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === '') continue
  const command = JSON.parse(line) as {
    op: string
    jobs: number
    count: number
    ms: number
    label: string
    hold: boolean
  }
  if (command.op === 'run') void run(command.jobs, command.count, command.ms)
  else if (command.op === 'call') call(command.label, command.count, command.hold)
  else if (command.op === 'finish') held.get(command.label)?.()
}
await workers.close()
redis.destroy()
