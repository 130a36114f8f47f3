import { invalid } from '@bigbuff/internal'

/** The stable `code` of each bigbuff error class. */
export type BigbuffErrorCode =
  | 'ERR_BIGBUFF_CLOSED'
  | 'ERR_BIGBUFF_NOTHING_TO_COMMIT'
  | 'ERR_BIGBUFF_NOTHING_TO_ROLLBACK'
  | 'ERR_BIGBUFF_CONSUMER_BEHIND'

const CODES: ReadonlySet<unknown> = new Set<BigbuffErrorCode>([
  'ERR_BIGBUFF_CLOSED',
  'ERR_BIGBUFF_NOTHING_TO_COMMIT',
  'ERR_BIGBUFF_NOTHING_TO_ROLLBACK',
  'ERR_BIGBUFF_CONSUMER_BEHIND',
])

/**
 * The base of every state error a caller is expected to handle. Test with
 * {@link isBigbuffError} rather than `instanceof`, which fails across two copies of this package.
 */
export class BigbuffError extends Error {
  /** A stable string naming the condition, e.g. `ERR_BIGBUFF_CLOSED`. */
  readonly code: BigbuffErrorCode

  /**
   * @param code - the stable code, one of {@link BigbuffErrorCode}.
   * @param message - a human-readable description.
   * @param options - `cause`, as for `Error`.
   * @throws TypeError when `code` is not a bigbuff error code (so {@link isBigbuffError} always
   *   recognises what this constructs).
   */
  constructor(code: BigbuffErrorCode, message: string, options?: ErrorOptions) {
    assertCode(code, 'create BigbuffError')
    super(message, options)
    this.code = code
    this.name = 'BigbuffError'
  }
}

/**
 * An operation on a closed producer, consumer, channel or pub-sub.
 * @example
 * ```ts
 * await buffer.close()
 * await buffer.put(1).catch((error) => console.log(error instanceof ClosedError)) // true
 * ```
 */
export class ClosedError extends BigbuffError {
  /** @param message - what was closed; defaults to a generic message. */
  constructor(message = 'Cannot proceed: closed', options?: ErrorOptions) {
    super('ERR_BIGBUFF_CLOSED', message, options)
    this.name = 'ClosedError'
  }
}

/** `commit()` with nothing read since the last commit or rollback. */
export class NothingToCommitError extends BigbuffError {
  /** @param message - defaults to a generic message. */
  constructor(message = 'Cannot commit: nothing is pending', options?: ErrorOptions) {
    super('ERR_BIGBUFF_NOTHING_TO_COMMIT', message, options)
    this.name = 'NothingToCommitError'
  }
}

/** `rollback()` with nothing read since the last commit or rollback. */
export class NothingToRollbackError extends BigbuffError {
  /** @param message - defaults to a generic message. */
  constructor(message = 'Cannot roll back: nothing is pending', options?: ErrorOptions) {
    super('ERR_BIGBUFF_NOTHING_TO_ROLLBACK', message, options)
    this.name = 'NothingToRollbackError'
  }
}

/** What a {@link ConsumerBehindError} reports about the consumer's position. */
export interface ConsumerBehindDetails {
  /** The consumer's absolute cursor (values ever read, counted from the first value ever put). */
  readonly offset: number
  /** How many values behind the front of the retained values the cursor is (> 0). */
  readonly behind: number
}

/**
 * The consumer's cursor points at values a cleaner already dropped: it fell behind a forced trim.
 */
export class ConsumerBehindError extends BigbuffError {
  /** The consumer's absolute cursor. */
  readonly offset: number
  /** How far behind the front of the retained values the cursor is. */
  readonly behind: number

  /**
   * @param details - the cursor (an integer ≥ 0) and how far behind it is (an integer ≥ 1).
   * @param message - defaults to a message naming both.
   * @throws TypeError when `details` is not an object or `offset`/`behind` is not a number;
   *   RangeError when `offset` is negative or `behind` is below 1, or either is not an integer.
   */
  constructor(details: ConsumerBehindDetails, message?: string, options?: ErrorOptions) {
    if (typeof details !== 'object' || details === null) {
      throw new TypeError(invalid(CREATE_BEHIND, 'details must be an object with offset and behind', details))
    }
    assertInteger(details.offset, 0, 'offset')
    assertInteger(details.behind, 1, 'behind')
    super(
      'ERR_BIGBUFF_CONSUMER_BEHIND',
      message ??
        `Cannot get: consumer at offset ${details.offset} is ${details.behind} behind the retained values`,
      options,
    )
    this.name = 'ConsumerBehindError'
    this.offset = details.offset
    this.behind = details.behind
  }
}

/**
 * The error class of each {@link BigbuffErrorCode}: what {@link isBigbuffError} narrows to when it is
 * given a code.
 */
export interface BigbuffErrorByCode {
  /** The object was closed. */
  ERR_BIGBUFF_CLOSED: ClosedError
  /** `commit()` with nothing read since the last commit or rollback. */
  ERR_BIGBUFF_NOTHING_TO_COMMIT: NothingToCommitError
  /** `rollback()` with nothing read since the last commit or rollback. */
  ERR_BIGBUFF_NOTHING_TO_ROLLBACK: NothingToRollbackError
  /** Values the consumer had not read were dropped. */
  ERR_BIGBUFF_CONSUMER_BEHIND: ConsumerBehindError
}

/**
 * Whether `error` is a bigbuff error, optionally with a given `code`.
 *
 * - Recognises errors by their `code`, so it works when two copies of `@bigbuff/core` are loaded
 *   (ESM and CJS), where `instanceof` fails.
 * - With a `code`, narrows to that code's class (`'ERR_BIGBUFF_CONSUMER_BEHIND'` gives a
 *   {@link ConsumerBehindError}, with its `offset` and `behind`).
 *
 * @param error - anything caught.
 * @param code - narrow to one condition.
 * @returns true when `error` is an `Error` carrying a bigbuff `code` (equal to `code` if given).
 * @throws TypeError when `code` is given but is not a bigbuff error code (a typo would otherwise
 *   make the check silently false).
 * @example
 * ```ts
 * async function next(): Promise<string | undefined> {
 *   try {
 *     return await consumer.get()
 *   } catch (error) {
 *     if (isBigbuffError(error, 'ERR_BIGBUFF_CLOSED')) return undefined // the normal end
 *     throw error
 *   }
 * }
 * ```
 */
export function isBigbuffError<C extends BigbuffErrorCode>(
  error: unknown,
  code: C,
): error is BigbuffErrorByCode[C]
export function isBigbuffError(error: unknown, code?: BigbuffErrorCode): error is BigbuffError
export function isBigbuffError(error: unknown, code?: BigbuffErrorCode): boolean {
  if (code !== undefined) assertCode(code, 'check error')
  if (!(error instanceof Error)) return false
  const actual: unknown = (error as { code?: unknown }).code
  if (!CODES.has(actual)) return false
  return code === undefined || actual === code
}

const CREATE_BEHIND = 'create ConsumerBehindError'

/** Throws `TypeError` unless `code` is a bigbuff error code. */
function assertCode(code: unknown, action: string): asserts code is BigbuffErrorCode {
  if (!CODES.has(code)) {
    throw new TypeError(invalid(action, `code must be one of ${[...CODES].join(', ')}`, code))
  }
}

/** Throws `TypeError`/`RangeError` unless `value` is an integer ≥ `min`. */
function assertInteger(value: unknown, min: number, name: string): asserts value is number {
  const problem = `${name} must be an integer ≥ ${min}`
  if (typeof value !== 'number') throw new TypeError(invalid(CREATE_BEHIND, problem, value))
  if (!Number.isInteger(value) || value < min) throw new RangeError(invalid(CREATE_BEHIND, problem, value))
}
