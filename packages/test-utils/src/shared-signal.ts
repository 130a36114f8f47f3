import { expect } from 'vitest'
import { nextTurn } from './time.js'

// Node's own APIs, typed here so that packages' type checks need no Node types.
interface NodeProcess {
  on(event: 'warning', listener: (warning: Error) => void): void
  off(event: 'warning', listener: (warning: Error) => void): void
}
interface NodeEvents {
  getEventListeners(target: EventTarget, type: string): unknown[]
}
const nodeProcess = (globalThis as unknown as { process: NodeProcess }).process
const eventsModule = 'node:events'
const { getEventListeners } = (await import(/* @vite-ignore */ eventsModule)) as NodeEvents

/** Options of {@link expectOneListenerPerSignal}. */
export interface SharedSignalOptions {
  /** How many operations wait on the signal at once; default 10,000. */
  readonly count?: number
  /** Abort listeners the signal may carry while they wait; default 1 (one per object). */
  readonly listeners?: number
}

/**
 * The "one abort listener per signal" check every package runs: starts `count` operations that all
 * wait on one shared signal, and asserts that the signal carries at most `listeners` abort
 * listeners, that no warning (`MaxListenersExceededWarning`) was printed, and that aborting rejects
 * every operation with the signal's reason and leaves no listener behind.
 */
export async function expectOneListenerPerSignal(
  start: (signal: AbortSignal, index: number) => Promise<unknown>,
  options: SharedSignalOptions = {},
): Promise<void> {
  const { count = 10_000, listeners = 1 } = options
  const warnings: Error[] = []
  const onWarning = (warning: Error): void => {
    warnings.push(warning)
  }
  nodeProcess.on('warning', onWarning)
  try {
    const controller = new AbortController()
    const pending = Array.from({ length: count }, (_, index) =>
      start(controller.signal, index).then(
        () => 'settled',
        (error: unknown) => error,
      ),
    )
    // Warnings are emitted on a later tick.
    await nextTurn()
    expect(getEventListeners(controller.signal, 'abort').length).toBeLessThanOrEqual(listeners)
    const reason = new Error('shared shutdown')
    controller.abort(reason)
    const outcomes = await Promise.all(pending)
    expect(outcomes.filter((outcome) => outcome !== reason)).toEqual([])
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    await nextTurn()
    expect(warnings.map(String)).toEqual([])
  } finally {
    nodeProcess.off('warning', onWarning)
  }
}
