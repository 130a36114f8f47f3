import { describeValue } from '@bigbuff/internal'

/** Marks FatalErrors across copies of this package (ESM and CJS), where `instanceof` fails. */
const FATAL = Symbol.for('@bigbuff/async-utils.FatalError')

/**
 * Wraps an error to tell {@link exponentialRetry} to stop retrying.
 *
 * - Throw (or reject with) `new FatalError(cause)` from the retried function: the retrying call
 *   rejects with `cause` itself, unwrapped through any nested `FatalError`s.
 * - `cause` may be anything, `undefined` included; the message is the cause's message (or a
 *   description of a non-error cause).
 *
 * @example
 * ```ts
 * const fetchUser = exponentialRetry(async (id: string) => {
 *   const response = await fetch(`/users/${id}`)
 *   if (response.status === 404) throw new FatalError(new Error('no such user'))
 *   if (!response.ok) throw new Error(`HTTP ${response.status}`) // retried
 *   return response.json()
 * })
 * ```
 */
export class FatalError extends Error {
  /** The wrapped error, which the retrying call rejects with. */
  declare readonly cause: unknown

  /** @param cause - the error to report; may itself be a `FatalError`. */
  constructor(cause: unknown) {
    super(messageOf(cause), { cause })
    this.name = 'FatalError'
  }
}

Object.defineProperty(FatalError.prototype, FATAL, { value: true })

/** Whether `error` is a {@link FatalError} from any copy of this package. */
export function isFatalError(error: unknown): error is FatalError {
  return typeof error === 'object' && error !== null && (error as { [FATAL]?: unknown })[FATAL] === true
}

/** The innermost cause of nested {@link FatalError}s. */
export function unwrapFatalError(error: FatalError): unknown {
  let cause = error.cause
  while (isFatalError(cause)) cause = cause.cause
  return cause
}

function messageOf(cause: unknown): string {
  if (cause instanceof Error) return cause.message
  if (typeof cause === 'string') return cause
  return describeValue(cause)
}
