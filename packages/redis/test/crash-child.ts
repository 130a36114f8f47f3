/// <reference types="node" />
/**
 * A consumer process for the crash tests, bundled with esbuild from the package's TypeScript source.
 * argv[2] is a JSON {@link ChildConfig}; every event goes to stdout as one JSON line.
 */
import { RedisStream } from '../src/index.js'

export interface ChildConfig {
  readonly url: string
  readonly stream: string
  readonly name: string
  readonly instance: string
  readonly claimIdle: number
  /** 'consume': `batches` batches of `batch` values, each committed, then `extra` more uncommitted, then hang. */
  /** 'drain': read `count` values, commit them, exit. */
  readonly mode: 'consume' | 'drain'
  readonly batch?: number
  readonly batches?: number
  readonly extra?: number
  readonly count?: number
}

function emit(event: object): void {
  process.stdout.write(`${JSON.stringify(event)}\n`)
}

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig
const stream = new RedisStream<number>({ stream: config.stream, url: config.url, trimInterval: 0 })
const consumer = stream.consumer(config.name, { instance: config.instance, claimIdle: config.claimIdle })

if (config.mode === 'consume') {
  for (let b = 0; b < (config.batches ?? 0); b++) {
    const values: number[] = []
    for (let i = 0; i < (config.batch ?? 1); i++) {
      const value = await consumer.get()
      values.push(value)
      emit({ got: value })
    }
    await consumer.commit()
    emit({ committed: values })
  }
  for (let i = 0; i < (config.extra ?? 0); i++) emit({ got: await consumer.get() })
  emit({ paused: true })
  setInterval(() => {}, 60_000)
} else {
  for (let i = 0; i < (config.count ?? 0); i++) emit({ got: await consumer.get() })
  await consumer.commit()
  emit({ committed: true })
  await stream.close()
}
