/**
 * The one policy for timers in `@bigbuff/*`.
 *
 * - A wait the user asked for (`sleep`, `wait`, `rateLimit`, `maxWait`, `cooldown`, a retry's
 *   backoff) uses the global `setTimeout` as it is **at call time**, so the user's fake timers
 *   (vitest, sinon) control it like any other timer in their code.
 * - Housekeeping the library does on its own to give the event loop a turn (a channel's or a range
 *   loop's anti-starvation yield) must never hang because a test faked the timers, and must never
 *   be slowed by a frozen fake clock. It uses the timer functions and the clock captured below,
 *   **when this module loads** (before any test can install fake timers), and never the globals as
 *   they are later.
 *
 * Only the second kind imports this module.
 */

/** `setTimeout` as it was when the module loaded. */
export const realSetTimeout: typeof setTimeout = globalThis.setTimeout

/** `clearTimeout` as it was when the module loaded. */
export const realClearTimeout: typeof clearTimeout = globalThis.clearTimeout

/**
 * The check-phase queue of Node.js, Deno and Bun (`setImmediate`) as it was when the module loaded;
 * `undefined` in browsers, which have no such function. A turn taken through it lets the whole event
 * loop run, timers included, before it ends; a turn taken through a `MessageChannel` does not in
 * Node.js, whose ports deliver messages posted from a message handler in the same pass.
 */
export const realSetImmediate: ((callback: () => void) => unknown) | undefined = captureImmediate()

function captureImmediate(): ((callback: () => void) => unknown) | undefined {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate
  return typeof immediate === 'function' ? immediate : undefined
}

/** A millisecond clock (`performance.now`, else `Date.now`) as it was when the module loaded. */
export const realClock: () => number = captureClock()

function captureClock(): () => number {
  const performance = globalThis.performance
  if (performance !== undefined && typeof performance.now === 'function')
    return performance.now.bind(performance)
  return Date.now
}
