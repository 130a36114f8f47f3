import { describe, expect, it } from 'vitest'
import {
  assertCapacity,
  assertDuration,
  assertFunction,
  assertIterable,
  assertPositiveInteger,
  describeValue,
  invalid,
  signalOf,
} from './validate.js'

describe('describeValue()', () => {
  it.each([
    [-1, '-1'],
    [Number.NaN, 'NaN'],
    [undefined, 'undefined'],
    [null, 'null'],
    ['text', '"text"'],
    ['x'.repeat(50), `"${'x'.repeat(40)}…"`],
    [10n, '10n'],
    [Symbol('s'), 'Symbol(s)'],
    [function named() {}, 'function named'],
    [() => {}, 'function (anonymous)'],
    [[1, 2], 'array of length 2'],
    [new Map(), '[object Map]'],
    [true, 'true'],
  ])('renders %s', (value, expected) => {
    expect(describeValue(value)).toBe(expected)
  })

  it('invalid() builds the house message', () => {
    expect(invalid('create channel', 'capacity must be a non-negative integer', -1)).toBe(
      'Cannot create channel: capacity must be a non-negative integer, received -1',
    )
  })
})

describe('assertions', () => {
  it('assertFunction', () => {
    expect(() => assertFunction(() => 1, 'call', 'work')).not.toThrow()
    expect(() => assertFunction(1, 'call', 'work')).toThrow(
      new TypeError('Cannot call: work must be a function, received 1'),
    )
  })

  it('assertDuration', () => {
    expect(() => assertDuration(0, 'sleep', 'ms')).not.toThrow()
    expect(() => assertDuration('1', 'sleep', 'ms')).toThrow(TypeError)
    expect(() => assertDuration(-1, 'sleep', 'ms')).toThrow(
      new RangeError('Cannot sleep: ms must be a finite number ≥ 0, received -1'),
    )
    expect(() => assertDuration(Number.NaN, 'sleep', 'ms')).toThrow(RangeError)
    expect(() => assertDuration(Number.POSITIVE_INFINITY, 'sleep', 'ms')).toThrow(RangeError)
    expect(() => assertDuration(0, 'sleep', 'ms', true)).toThrow(/finite number > 0, received 0/)
    expect(() => assertDuration(1, 'sleep', 'ms', true)).not.toThrow()
  })

  it('assertPositiveInteger', () => {
    expect(() => assertPositiveInteger(3, 'call', 'count')).not.toThrow()
    expect(() => assertPositiveInteger('3', 'call', 'count')).toThrow(TypeError)
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => assertPositiveInteger(bad, 'call', 'count')).toThrow(RangeError)
    }
  })

  it('assertCapacity', () => {
    for (const good of [0, 1, 1024, Number.POSITIVE_INFINITY]) {
      expect(() => assertCapacity(good, 'create channel', 'capacity')).not.toThrow()
    }
    expect(() => assertCapacity(null, 'create channel', 'capacity')).toThrow(TypeError)
    for (const bad of [-1, 0.5, Number.NaN, Number.NEGATIVE_INFINITY]) {
      expect(() => assertCapacity(bad, 'create channel', 'capacity')).toThrow(RangeError)
    }
  })

  it('assertIterable', () => {
    expect(() => assertIterable([1], 'put', 'values')).not.toThrow()
    expect(() => assertIterable(new Set(), 'put', 'values')).not.toThrow()
    expect(() => assertIterable(null, 'put', 'values')).toThrow(
      new TypeError('Cannot put: values must be iterable, received null'),
    )
    expect(() => assertIterable({}, 'put', 'values')).toThrow(TypeError)
  })

  it('signalOf() validates the options object and its signal', () => {
    const controller = new AbortController()
    expect(signalOf(undefined, 'get')).toBeUndefined()
    expect(signalOf({}, 'get')).toBeUndefined()
    expect(signalOf({ signal: controller.signal }, 'get')).toBe(controller.signal)
    expect(() => signalOf(null, 'get')).toThrow(
      new TypeError('Cannot get: options must be an object, received null'),
    )
    expect(() => signalOf(5, 'get')).toThrow(TypeError)
    expect(() => signalOf({ signal: {} }, 'get')).toThrow(
      new TypeError('Cannot get: signal must be an AbortSignal, received [object Object]'),
    )
  })
})
