import { isBigbuffError } from '@bigbuff/core'
import { expect } from 'vitest'

/** What a model says an operation settles with. */
export type Expected = { readonly value: unknown } | { readonly error: ErrorMatcher }

/** Recognises the error an operation must reject with. */
export interface ErrorMatcher {
  readonly describe: string
  test(error: unknown): boolean
}

/** The error must be this very object (an abort reason, an error thrown by user code). */
export function same(reason: unknown): ErrorMatcher {
  return { describe: `the same object as ${String(reason)}`, test: (error) => error === reason }
}

/** The error must be a bigbuff error with this code. */
export function code(errorCode: string): ErrorMatcher {
  return { describe: errorCode, test: (error) => isBigbuffError(error) && error.code === errorCode }
}

export const CLOSED = code('ERR_BIGBUFF_CLOSED')
export const NOTHING_TO_COMMIT = code('ERR_BIGBUFF_NOTHING_TO_COMMIT')
export const NOTHING_TO_ROLLBACK = code('ERR_BIGBUFF_NOTHING_TO_ROLLBACK')

/** A `ConsumerBehindError` with these details. */
export function behind(offset: number, by: number): ErrorMatcher {
  return {
    describe: `ConsumerBehindError { offset: ${offset}, behind: ${by} }`,
    test: (error) =>
      isBigbuffError(error, 'ERR_BIGBUFF_CONSUMER_BEHIND') &&
      (error as unknown as { offset: number }).offset === offset &&
      (error as unknown as { behind: number }).behind === by,
  }
}

/**
 * One call of an asynchronous API under test: how it settled (observed without ever leaving a
 * rejection unhandled) and what the model expects.
 */
export class Op<T = unknown> {
  readonly label: string
  state: 'pending' | 'fulfilled' | 'rejected' | 'threw' = 'pending'
  value: T | undefined
  reason: unknown
  expected: Expected | undefined

  constructor(label: string, call: () => Promise<T>) {
    this.label = label
    let promise: Promise<T>
    try {
      promise = call()
    } catch (error) {
      // Promise-returning APIs must never throw: recorded, and reported by verify().
      this.state = 'threw'
      this.reason = error
      return
    }
    promise.then(
      (value) => {
        this.state = 'fulfilled'
        this.value = value
      },
      (reason: unknown) => {
        this.state = 'rejected'
        this.reason = reason
      },
    )
  }

  /** Records the model's verdict; a second verdict is a bug in the model. */
  expect(expected: Expected): void {
    if (this.expected !== undefined) throw new Error(`model settled ${this.label} twice`)
    this.expected = expected
  }

  resolveWith(value: unknown): void {
    this.expect({ value })
  }

  rejectWith(error: ErrorMatcher): void {
    this.expect({ error })
  }

  get settledByModel(): boolean {
    return this.expected !== undefined
  }

  /** Asserts the real outcome matches the model's: settled as predicted, or still pending. */
  verify(): void {
    const expected = this.expected
    if (this.state === 'threw') {
      expect.fail(`${this.label} threw synchronously instead of rejecting: ${String(this.reason)}`)
    }
    if (expected === undefined) {
      expect(this.state, `${this.label} must still be pending`).toBe('pending')
    } else if ('value' in expected) {
      expect(this.state, `${this.label} must resolve (reason: ${String(this.reason)})`).toBe('fulfilled')
      expect(this.value, `${this.label} resolves with the model's value`).toStrictEqual(expected.value)
    } else {
      expect(this.state, `${this.label} must reject with ${expected.error.describe}`).toBe('rejected')
      expect(
        expected.error.test(this.reason),
        `${this.label} rejects with ${expected.error.describe}, got ${String(this.reason)}`,
      ).toBe(true)
    }
  }
}

/** Verifies every operation of a run. */
export function verifyAll(ops: Iterable<Op>): void {
  for (const op of ops) op.verify()
}
