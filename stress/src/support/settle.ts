import { nextTurn } from '@bigbuff/test-utils'

/** One turn of the real event loop: every microtask queued so far, then a macrotask. */
export const turn: () => Promise<void> = nextTurn

/**
 * Lets everything the library scheduled run to quiescence: microtasks, and the macrotask hop a
 * channel takes now and then to let the event loop breathe (a MessageChannel message).
 */
export async function settle(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await nextTurn()
}
