import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  allSignals,
  anySignal,
  Cond,
  exponentialRetry,
  linearAttempt,
  minDuration,
  onAbort,
  sleep,
  waitFor,
} from './index.js'

// biome-ignore lint/suspicious/noExplicitAny: the point is to pass what the types forbid
type Loose = any
const loose = (value: unknown): Loose => value
const fn = () => {}
const signal = new AbortController().signal
const cond = new Cond()

/** [description, call, error class, message] */
const throwing: [string, () => unknown, ErrorConstructor, string][] = [
  [
    'anySignal(5)',
    () => anySignal(loose(5)),
    TypeError,
    'Cannot create anySignal: signals must be iterable, received 5',
  ],
  [
    'anySignal(null)',
    () => anySignal(loose(null)),
    TypeError,
    'Cannot create anySignal: signals must be iterable, received null',
  ],
  [
    'anySignal([signal, 1])',
    () => anySignal(loose([signal, 1])),
    TypeError,
    'Cannot create anySignal: every input must be an AbortSignal, null or undefined, received 1',
  ],
  [
    'allSignals({})',
    () => allSignals(loose({})),
    TypeError,
    'Cannot create allSignals: signals must be iterable, received [object Object]',
  ],
  [
    'allSignals([controller])',
    () => allSignals(loose([new AbortController()])),
    TypeError,
    'Cannot create allSignals: every input must be an AbortSignal, null or undefined, received [object AbortController]',
  ],
  [
    'allSignals([])',
    () => allSignals([]),
    RangeError,
    'Cannot create allSignals: signals must not be empty, received array of length 0',
  ],
  [
    'onAbort({}, fn)',
    () => onAbort(loose({}), fn),
    TypeError,
    'Cannot listen for abort: signal must be an AbortSignal, received [object Object]',
  ],
  [
    'onAbort(signal, "x")',
    () => onAbort(signal, loose('x')),
    TypeError,
    'Cannot listen for abort: listener must be a function, received "x"',
  ],
  [
    'linearAttempt("1", 1)',
    () => linearAttempt(loose('1'), 1),
    TypeError,
    'Cannot create linear attempt: interval must be a number of milliseconds, received "1"',
  ],
  [
    'linearAttempt(0, 1)',
    () => linearAttempt(0, 1),
    RangeError,
    'Cannot create linear attempt: interval must be a finite number > 0, received 0',
  ],
  [
    'linearAttempt(-5, 1)',
    () => linearAttempt(-5, 1),
    RangeError,
    'Cannot create linear attempt: interval must be a finite number > 0, received -5',
  ],
  [
    'linearAttempt(Infinity, 1)',
    () => linearAttempt(Number.POSITIVE_INFINITY, 1),
    RangeError,
    'Cannot create linear attempt: interval must be a finite number > 0, received Infinity',
  ],
  [
    'linearAttempt(10, 0)',
    () => linearAttempt(10, 0),
    RangeError,
    'Cannot create linear attempt: count must be a positive integer, received 0',
  ],
  [
    'linearAttempt(10, 1.5)',
    () => linearAttempt(10, 1.5),
    RangeError,
    'Cannot create linear attempt: count must be a positive integer, received 1.5',
  ],
  [
    'linearAttempt(10, "2")',
    () => linearAttempt(10, loose('2')),
    TypeError,
    'Cannot create linear attempt: count must be a positive integer, received "2"',
  ],
  [
    'linearAttempt(10, 1, { signal: {} })',
    () => linearAttempt(10, 1, loose({ signal: {} })),
    TypeError,
    'Cannot create linear attempt: signal must be an AbortSignal, received [object Object]',
  ],
  [
    'exponentialRetry("fn")',
    () => exponentialRetry(loose('fn')),
    TypeError,
    'Cannot create exponential retry: fn must be a function, received "fn"',
  ],
  [
    'exponentialRetry(fn, 5)',
    () => exponentialRetry(fn, loose(5)),
    TypeError,
    'Cannot create exponential retry: options must be an object, received 5',
  ],
  [
    'exponentialRetry(fn, { base: -1 })',
    () => exponentialRetry(fn, { base: -1 }),
    RangeError,
    'Cannot create exponential retry: base must be a finite number ≥ 0, received -1',
  ],
  [
    'exponentialRetry(fn, { base: NaN })',
    () => exponentialRetry(fn, { base: Number.NaN }),
    RangeError,
    'Cannot create exponential retry: base must be a finite number ≥ 0, received NaN',
  ],
  [
    'exponentialRetry(fn, { base: "1" })',
    () => exponentialRetry(fn, loose({ base: '1' })),
    TypeError,
    'Cannot create exponential retry: base must be a number of milliseconds, received "1"',
  ],
  [
    'exponentialRetry(fn, { base: null })',
    () => exponentialRetry(fn, loose({ base: null })),
    TypeError,
    'Cannot create exponential retry: base must be a number of milliseconds, received null',
  ],
  [
    'exponentialRetry(fn, { random: null })',
    () => exponentialRetry(fn, loose({ random: null })),
    TypeError,
    'Cannot create exponential retry: random must be a function, received null',
  ],
  [
    'exponentialRetry(fn, { random: 0.5 })',
    () => exponentialRetry(fn, loose({ random: 0.5 })),
    TypeError,
    'Cannot create exponential retry: random must be a function, received 0.5',
  ],
  [
    'exponentialRetry(fn, { signal: "x" })',
    () => exponentialRetry(fn, loose({ signal: 'x' })),
    TypeError,
    'Cannot create exponential retry: signal must be an AbortSignal, received "x"',
  ],
  [
    'minDuration(0, fn)',
    () => minDuration(0, fn),
    RangeError,
    'Cannot create minDuration: ms must be a finite number > 0, received 0',
  ],
  [
    'minDuration(-5, fn)',
    () => minDuration(-5, fn),
    RangeError,
    'Cannot create minDuration: ms must be a finite number > 0, received -5',
  ],
  [
    'minDuration(Infinity, fn)',
    () => minDuration(Number.POSITIVE_INFINITY, fn),
    RangeError,
    'Cannot create minDuration: ms must be a finite number > 0, received Infinity',
  ],
  [
    'minDuration("5", fn)',
    () => minDuration(loose('5'), fn),
    TypeError,
    'Cannot create minDuration: ms must be a number of milliseconds, received "5"',
  ],
  [
    'minDuration(5, null)',
    () => minDuration(5, loose(null)),
    TypeError,
    'Cannot create minDuration: fn must be a function, received null',
  ],
]

/** Functions that return promises: bad input rejects, never throws. */
const rejecting: [string, () => Promise<unknown>, ErrorConstructor, string][] = [
  [
    'sleep("10")',
    () => sleep(loose('10')),
    TypeError,
    'Cannot sleep: ms must be a number of milliseconds, received "10"',
  ],
  ['sleep(-1)', () => sleep(-1), RangeError, 'Cannot sleep: ms must be a finite number ≥ 0, received -1'],
  [
    'sleep(NaN)',
    () => sleep(Number.NaN),
    RangeError,
    'Cannot sleep: ms must be a finite number ≥ 0, received NaN',
  ],
  [
    'sleep(Infinity)',
    () => sleep(Number.POSITIVE_INFINITY),
    RangeError,
    'Cannot sleep: ms must be a finite number ≥ 0, received Infinity',
  ],
  [
    'sleep(10, null)',
    () => sleep(10, loose(null)),
    TypeError,
    'Cannot sleep: options must be an object, received null',
  ],
  [
    'sleep(10, { signal: 1 })',
    () => sleep(10, loose({ signal: 1 })),
    TypeError,
    'Cannot sleep: signal must be an AbortSignal, received 1',
  ],
  [
    'cond.wait(5)',
    () => cond.wait(loose(5)),
    TypeError,
    'Cannot wait on Cond: options must be an object, received 5',
  ],
  [
    'cond.wait({ signal: "x" })',
    () => cond.wait(loose({ signal: 'x' })),
    TypeError,
    'Cannot wait on Cond: signal must be an AbortSignal, received "x"',
  ],
  [
    'waitFor({}, fn)',
    () => waitFor(loose({}), () => true),
    TypeError,
    'Cannot wait for condition: cond must be a Cond, received [object Object]',
  ],
  [
    'waitFor(cond, "x")',
    () => waitFor(cond, loose('x')),
    TypeError,
    'Cannot wait for condition: predicate must be a function, received "x"',
  ],
  [
    'waitFor(cond, fn, "opts")',
    () => waitFor(cond, () => false, loose('opts')),
    TypeError,
    'Cannot wait for condition: options must be an object, received "opts"',
  ],
]

describe('bad input', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it.each(throwing)('%s throws with a message naming what was received', (_, call, type, message) => {
    let error: unknown
    try {
      call()
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(type)
    expect((error as Error).message).toBe(message)
    expect(vi.getTimerCount()).toBe(0)
  })

  it.each(rejecting)(
    '%s rejects (never throws) with a message naming what was received',
    async (_, call, type, message) => {
      let promise: Promise<unknown> | undefined
      expect(() => {
        promise = call()
      }).not.toThrow()
      const error = await (promise as Promise<unknown>).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(type)
      expect((error as Error).message).toBe(message)
      expect(vi.getTimerCount()).toBe(0)
      expect(cond.waiting).toBe(0)
    },
  )
})
