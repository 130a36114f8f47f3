/// <reference types="node" />
/**
 * Runs test code in real child processes: {@link bundleEntry} bundles a TypeScript entry (and the
 * package source it imports, through the `@bigbuff/source` condition) into one ESM file, and
 * {@link spawnChild} starts it with a JSON config as `argv[2]`. The child talks back with one JSON
 * object per stdout line ({@link emit} in the child); the parent can send it JSON lines on stdin
 * ({@link commands} in the child).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/** A bundled child entry in a temporary directory. */
export interface Bundle {
  readonly file: string
  remove(): Promise<void>
}

/** Bundles `entry` (a `new URL('./x.ts', import.meta.url)`) for `node`. */
export async function bundleEntry(entry: URL): Promise<Bundle> {
  const dir = await mkdtemp(join(tmpdir(), 'bigbuff-redis-child-'))
  const source = fileURLToPath(entry)
  const file = join(dir, basename(source).replace(/\.ts$/, '.mjs'))
  await build({
    entryPoints: [source],
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

/** A running child and the events (stdout JSON lines) it has printed so far. */
export interface Child<E> {
  readonly process: ChildProcess
  readonly events: E[]
  /** What the child wrote to stderr so far. */
  readonly stderr: () => string
  /** Resolves with the first event satisfying `predicate`; rejects if the child exits first. */
  waitFor(predicate: (event: E) => boolean): Promise<E>
  /** Sends one JSON line to the child's stdin. */
  send(message: unknown): void
  /** SIGKILLs the child (if alive) and waits for it to exit. */
  kill(): Promise<void>
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>
}

/** Starts `node bundle.file JSON.stringify(config)`. */
export function spawnChild<E = Record<string, unknown>>(bundle: Bundle, config: unknown): Child<E> {
  const child = spawn(process.execPath, [bundle.file, JSON.stringify(config)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const events: E[] = []
  const listeners = new Set<() => void>()
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  child.stdin?.on('error', () => {})
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      events.push(JSON.parse(line) as E)
    } catch {
      stderr += `${line}\n`
      return
    }
    for (const listener of listeners) listener()
  })
  const exited = once(child, 'exit').then(([code]) => code as number | null)
  return {
    process: child,
    events,
    exited,
    stderr: () => stderr,
    waitFor(predicate) {
      return new Promise<E>((resolve, reject) => {
        const check = (): void => {
          const found = events.find(predicate)
          if (found !== undefined) {
            listeners.delete(check)
            resolve(found)
          }
        }
        listeners.add(check)
        check()
        void exited.then(() => {
          // The last lines may still be in the readline buffer: give them one turn.
          setImmediate(() => {
            check()
            if (listeners.delete(check))
              reject(new Error(`child exited before the awaited event:\n${stderr}`))
          })
        })
      })
    },
    send(message) {
      child.stdin?.write(`${JSON.stringify(message)}\n`)
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL')
        await exited
      }
    },
  }
}

/** In a child: prints one event line for the parent. */
export function emit(event: unknown): void {
  process.stdout.write(`${JSON.stringify(event)}\n`)
}

/** In a child: the JSON lines the parent sends, one at a time. */
export async function* commands<C = Record<string, unknown>>(): AsyncGenerator<C> {
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() !== '') yield JSON.parse(line) as C
  }
}
