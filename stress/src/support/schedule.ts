import type fc from 'fast-check'
import { settle } from './settle.js'

/**
 * Runs the scheduler until `until` settles or nothing can move any more: releases every scheduled
 * microtask delay in the order fast-check chose, and lets the library's own macrotask hops happen in
 * between. Returns whether `until` settled.
 */
export async function runUntilQuiet(s: fc.Scheduler, until: Promise<unknown>): Promise<boolean> {
  let finished = false
  const mark = (): void => {
    finished = true
  }
  until.then(mark, mark)
  let idle = 0
  while (!finished) {
    if (s.count() > 0) {
      idle = 0
      await s.waitOne()
      continue
    }
    await settle(1)
    if (s.count() === 0 && !finished && ++idle > 20) return false
  }
  return true
}

/**
 * Like {@link runUntilQuiet}, but nothing being able to move while `until` is pending is a failure
 * (a deadlock, or a promise the library never settles).
 */
export async function drive(s: fc.Scheduler, until: Promise<unknown>, label = 'the run'): Promise<void> {
  if (!(await runUntilQuiet(s, until))) {
    throw new Error(`${label} is stuck: nothing is scheduled and it has not finished`)
  }
}

/** A point where an actor lets the scheduler decide who runs next. */
export function yielder(s: fc.Scheduler, actor: string): () => Promise<void> {
  return () => s.schedule(Promise.resolve(), actor)
}

/** Aborts `controller` with `reason` after `turns` scheduled pauses, without blocking the caller. */
export function abortLater(
  controller: AbortController,
  turns: number,
  pause: () => Promise<void>,
  reason: Error,
): void {
  void (async () => {
    for (let i = 0; i < turns; i++) await pause()
    controller.abort(reason)
  })()
}

/**
 * Runs actors (async functions) whose failures are collected instead of escaping as unhandled
 * rejections; `rethrow()` reports the first one after the run.
 */
export class Actors {
  readonly #failures: unknown[] = []

  spawn(actor: () => Promise<void>): Promise<void> {
    return actor().catch((error: unknown) => {
      this.#failures.push(error)
    })
  }

  rethrow(): void {
    if (this.#failures.length > 0) throw this.#failures[0]
  }
}
