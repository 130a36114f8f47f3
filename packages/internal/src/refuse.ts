import { signalOf } from './validate.js'

/**
 * The message of every `ClosedError`: `Cannot <action>: the <subject> is closed` (or `was closed
 * while waiting` for an operation that was already waiting when it closed).
 */
export function closedMessage(action: string, subject: string, whileWaiting = false): string {
  return `Cannot ${action}: the ${subject} ${whileWaiting ? 'was closed while waiting' : 'is closed'}`
}

/**
 * The preamble of every operation that returns a promise, in one order: bad options (`TypeError`),
 * an already aborted signal (its reason, unchanged), then a closed subject (`ClosedError`). Returns
 * the rejected promise to hand back, or `undefined` when the operation may go on; it then reads the
 * validated `options?.signal` itself.
 *
 * @param closed when the subject is closed, makes its `ClosedError` (worded by {@link closedMessage});
 *   else `undefined`. A factory, because `ClosedError` lives in `@bigbuff/core`, which this package
 *   must not import (core is built from it).
 */
export function refuse(options: unknown, action: string, closed?: () => Error): Promise<never> | undefined {
  if (options === undefined && closed === undefined) return undefined
  let signal: AbortSignal | undefined
  try {
    signal = signalOf(options, action)
  } catch (error) {
    return Promise.reject(error)
  }
  if (signal?.aborted) return Promise.reject(signal.reason)
  if (closed !== undefined) return Promise.reject(closed())
  return undefined
}
