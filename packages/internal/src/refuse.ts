import { ClosedError } from '@bigbuff/core'
import { signalOf } from './validate.js'

/**
 * The message of every `ClosedError`: `Cannot <action>: the <subject> is closed` (or `was closed
 * while waiting` for an operation that was already waiting when it closed).
 */
export function closedMessage(action: string, subject: string, whileWaiting = false): string {
  return `Cannot ${action}: the ${subject} ${whileWaiting ? 'was closed while waiting' : 'is closed'}`
}

/** A `ClosedError` worded by {@link closedMessage}. */
export function closedError(action: string, subject: string, whileWaiting = false): ClosedError {
  return new ClosedError(closedMessage(action, subject, whileWaiting))
}

/**
 * The preamble of every operation that returns a promise, in one order: bad options (`TypeError`),
 * an already aborted signal (its reason, unchanged), then a closed subject (`ClosedError`). Returns
 * the rejected promise to hand back, or `undefined` when the operation may go on; it then reads the
 * validated `options?.signal` itself.
 *
 * @param closed the subject's name (`'consumer'`, `'channel'`) when it is closed, else `undefined`.
 */
export function refuse(options: unknown, action: string, closed?: string): Promise<never> | undefined {
  if (options === undefined && closed === undefined) return undefined
  let signal: AbortSignal | undefined
  try {
    signal = signalOf(options, action)
  } catch (error) {
    return Promise.reject(error)
  }
  if (signal?.aborted) return Promise.reject(signal.reason)
  if (closed !== undefined) return Promise.reject(closedError(action, closed))
  return undefined
}
