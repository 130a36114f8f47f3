/** The class of error a bad argument must raise: the wrong type, or a number out of range. */
export type ErrorClass = typeof TypeError | typeof RangeError

/** A bad value, the error it must raise, and the value the message must say it received. */
export interface Bad {
  readonly value: unknown
  readonly error: ErrorClass
  /** What the message must report (the offending value inside an options object, for instance). */
  readonly received: unknown
}

function bad(value: unknown, error: ErrorClass, ...received: [unknown?]): Bad {
  return { value, error, received: received.length > 0 ? received[0] : value }
}

const noop = (): void => {}

/** Not a function where a function is needed. */
export const NOT_FUNCTIONS: readonly Bad[] = [
  bad(undefined, TypeError),
  bad(null, TypeError),
  bad(1, TypeError),
  bad('fn', TypeError),
  bad({}, TypeError),
  bad(Symbol('fn'), TypeError),
]

/** Not a number of milliseconds ≥ 0, finite. */
export const BAD_DURATIONS: readonly Bad[] = [
  bad('5', TypeError),
  bad(null, TypeError),
  bad(5n, TypeError),
  bad(Number.NaN, RangeError),
  bad(-1, RangeError),
  bad(Number.POSITIVE_INFINITY, RangeError),
  bad(Number.NEGATIVE_INFINITY, RangeError),
]

/** Not a number of milliseconds > 0, finite. */
export const BAD_POSITIVE_DURATIONS: readonly Bad[] = [...BAD_DURATIONS, bad(0, RangeError)]

/** Not a positive integer (a count, a size). */
export const BAD_COUNTS: readonly Bad[] = [
  bad('2', TypeError),
  bad(null, TypeError),
  bad(undefined, TypeError),
  bad(0, RangeError),
  bad(-1, RangeError),
  bad(1.5, RangeError),
  bad(Number.NaN, RangeError),
  bad(Number.POSITIVE_INFINITY, RangeError),
]

/** Not a non-negative integer or Infinity (a channel or subscription capacity). */
export const BAD_CAPACITIES: readonly Bad[] = [
  bad('1', TypeError),
  bad(null, TypeError),
  bad(-1, RangeError),
  bad(0.5, RangeError),
  bad(Number.NaN, RangeError),
  bad(Number.NEGATIVE_INFINITY, RangeError),
]

/** Not iterable. */
export const NOT_ITERABLES: readonly Bad[] = [
  bad(null, TypeError),
  bad(undefined, TypeError),
  bad(1, TypeError),
  bad({}, TypeError),
  bad({ [Symbol.iterator]: 1 }, TypeError),
]

/** Not an options object, or one whose `signal` is not an AbortSignal. */
export const BAD_SIGNAL_OPTIONS: readonly Bad[] = [
  bad(null, TypeError),
  bad(1, TypeError),
  bad('options', TypeError),
  bad(noop, TypeError),
  bad({ signal: 1 }, TypeError, 1),
  bad({ signal: null }, TypeError, null),
  bad({ signal: {} }, TypeError, {}),
  bad({ signal: { aborted: true, reason: 'fake' } }, TypeError, {}),
]

/** Not an AbortSignal. */
export const NOT_SIGNALS: readonly Bad[] = [
  bad(null, TypeError),
  bad(undefined, TypeError),
  bad({}, TypeError),
  bad({ aborted: false, addEventListener: noop }, TypeError, {}),
  bad(new AbortController(), TypeError),
]

/** Builds an options object around each bad value of one option. */
export function inOption(name: string, values: readonly Bad[], base: Record<string, unknown> = {}): Bad[] {
  return values.map((b) => ({
    value: { ...base, [name]: b.value },
    error: b.error,
    received: b.received,
  }))
}

/**
 * Whether the `received <value>` part of an error message renders `value`: numbers and strings as
 * themselves, null and undefined by name, functions, arrays, symbols and objects recognisably.
 */
export function rendersReceived(message: string, value: unknown): boolean {
  const marker = ', received '
  const at = message.lastIndexOf(marker)
  if (at < 0) return false
  const tail = message.slice(at + marker.length)
  switch (typeof value) {
    case 'number':
      return tail === String(value)
    case 'string':
      return tail.includes(value)
    case 'bigint':
      return tail.includes(String(value))
    case 'undefined':
      return tail === 'undefined'
    case 'symbol':
      return tail.includes('Symbol')
    case 'function':
      return tail.includes('function')
    default:
      if (value === null) return tail === 'null'
      if (Array.isArray(value)) return /array|Array/.test(tail)
      return /object|Object|\{/.test(tail)
  }
}

/** `Cannot <action>: <what was wrong>, received <value>`. */
export const MESSAGE_FORM = /^Cannot [^:]+: .+, received .+$/s
