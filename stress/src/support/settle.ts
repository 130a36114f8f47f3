/// <reference types="node" />

// Captured when the module loads, before any test installs fake timers, so settling never depends on
// the clock a test controls.
const realSetImmediate = globalThis.setImmediate

/** One turn of the real event loop: every microtask queued so far, then a macrotask. */
export function turn(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve))
}

/**
 * Lets everything the library scheduled run to quiescence: microtasks, and the macrotask hop a
 * channel takes now and then to let the event loop breathe (a MessageChannel message).
 */
export async function settle(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await turn()
}
