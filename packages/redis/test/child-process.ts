/// <reference types="node" />
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { ChildConfig } from './crash-child.js'

/** The child entry bundled from TypeScript source into a temporary directory. */
export interface ChildBundle {
  readonly file: string
  remove(): Promise<void>
}

export async function bundleChild(): Promise<ChildBundle> {
  const dir = await mkdtemp(join(tmpdir(), 'bigbuff-redis-'))
  const file = join(dir, 'crash-child.mjs')
  await build({
    entryPoints: [fileURLToPath(new URL('./crash-child.ts', import.meta.url))],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@bigbuff/source'],
    external: ['@opentelemetry/api', '@node-rs/xxhash'],
    // @redis/client is CommonJS: give its require() calls a real require inside the ESM bundle.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'silent',
  })
  return { file, remove: () => rm(dir, { recursive: true, force: true }) }
}

export interface ChildEvent {
  readonly got?: number
  readonly committed?: number[] | true
  readonly paused?: true
}

/** A running child and the events it has printed so far. */
export interface RunningChild {
  readonly process: ChildProcess
  readonly events: ChildEvent[]
  /** Resolves once an event satisfying `predicate` was printed; rejects if the child exits first. */
  waitFor(predicate: (event: ChildEvent) => boolean): Promise<void>
  /** SIGKILLs the child and waits for it to exit. */
  kill(): Promise<void>
  readonly exited: Promise<unknown>
}

export function runChild(bundle: ChildBundle, config: ChildConfig): RunningChild {
  const child = spawn(process.execPath, [bundle.file, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const events: ChildEvent[] = []
  const listeners = new Set<() => void>()
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  createInterface({ input: child.stdout! }).on('line', (line) => {
    events.push(JSON.parse(line) as ChildEvent)
    for (const listener of listeners) listener()
  })
  const exited = once(child, 'exit')
  return {
    process: child,
    events,
    exited,
    waitFor(predicate) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (events.some(predicate)) {
            listeners.delete(check)
            resolve()
          }
        }
        listeners.add(check)
        check()
        exited.then(() => {
          // The last lines may still be in the readline buffer: give them one turn.
          setImmediate(() => {
            check()
            if (listeners.delete(check))
              reject(new Error(`child exited before the awaited event:\n${stderr}`))
          })
        })
      })
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL')
        await exited
      }
    },
  }
}

/** Every value a child reported as received, in order. */
export function received(child: RunningChild): number[] {
  return child.events.flatMap((event) => (event.got === undefined ? [] : [event.got]))
}

/** Every value a child reported as committed. */
export function committed(child: RunningChild): number[] {
  return child.events.flatMap((event) => (Array.isArray(event.committed) ? event.committed : []))
}
