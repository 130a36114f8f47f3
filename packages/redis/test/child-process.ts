/// <reference types="node" />
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { type Bundle, bundleEntry } from './child-runner.js'
import type { ChildConfig } from './crash-child.js'

/** The child entry bundled from TypeScript source into a temporary directory. */
export type ChildBundle = Bundle

export function bundleChild(): Promise<ChildBundle> {
  return bundleEntry(new URL('./crash-child.ts', import.meta.url))
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
