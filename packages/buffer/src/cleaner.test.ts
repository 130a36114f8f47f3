import { describe, expect, it, vi } from 'vitest'
import { BigBuffer } from './big-buffer.js'
import { DEFAULT_CLEANER_COOLDOWN, defaultCleaner, fixedBufferCleaner } from './cleaner.js'

describe('defaultCleaner()', () => {
  it.each([
    [10, [], 0],
    [10, [0, 5], 0],
    [10, [5, 0], 0],
    [10, [-3, -1], 0],
    [10, [4, 7], 4],
    [10, [7, 4, 9], 4],
    [10, [-2, 6, 3], 3],
    [10, [10], 10],
  ])('defaultCleaner(%i, %j) is %i', (size, offsets, expected) => {
    expect(defaultCleaner(size, offsets)).toBe(expected)
  })

  it.each([
    ['offsets is null', 3, null, TypeError, 'offsets must be an array of numbers, received null'],
    ['offsets is a number', 3, 3, TypeError, 'offsets must be an array of numbers, received 3'],
    [
      'offsets is a Set',
      3,
      new Set([1]),
      TypeError,
      'offsets must be an array of numbers, received [object Set]',
    ],
    ['an offset is a string', 3, ['2'], TypeError, 'offsets must be an array of numbers, received "2"'],
    [
      'an offset after a 0 is a string',
      3,
      [0, 'x'],
      TypeError,
      'offsets must be an array of numbers, received "x"',
    ],
    [
      'an offset is undefined',
      3,
      [1, undefined, 2],
      TypeError,
      'offsets must be an array of numbers, received undefined',
    ],
    ['size is a string', '3', [1], TypeError, 'size must be a non-negative integer, received "3"'],
    ['size is negative', -1, [1], RangeError, 'size must be a non-negative integer, received -1'],
    ['size is NaN', Number.NaN, [1], RangeError, 'size must be a non-negative integer, received NaN'],
  ])('defaultCleaner() throws when %s', (_, size, offsets, type, message) => {
    const call = () => defaultCleaner(size as never, offsets as never)
    expect(call).toThrow(type)
    expect(call).toThrow(`Cannot clean buffer: ${message}`)
  })

  it('is the default cleaner, with a cooldown of DEFAULT_CLEANER_COOLDOWN (10 ms)', () => {
    expect(DEFAULT_CLEANER_COOLDOWN).toBe(10)
    expect(new BigBuffer().cleanerConfig).toEqual({ cleaner: defaultCleaner, cooldown: 10 })
  })
})

describe('fixedBufferCleaner()', () => {
  it('above max trims to target whatever the offsets, and notifies onTrim', () => {
    const onTrim = vi.fn()
    const cleaner = fixedBufferCleaner(10, 4, onTrim)
    const offsets = [0, 2]
    expect(cleaner(11, offsets)).toBe(7)
    expect(onTrim).toHaveBeenCalledExactlyOnceWith({ max: 10, target: 4, size: 11, offsets, trim: 7 })
  })

  it('at or below max behaves as defaultCleaner and does not notify', () => {
    const onTrim = vi.fn()
    const cleaner = fixedBufferCleaner(10, 4, onTrim)
    expect(cleaner(10, [3, 6])).toBe(3)
    expect(cleaner(5, [0])).toBe(0)
    expect(cleaner(5, [])).toBe(0)
    expect(onTrim).not.toHaveBeenCalled()
    expect(fixedBufferCleaner(2, 0)(3, [1])).toBe(3)
  })

  it.each([
    ['max is not a number', ['10', 4], TypeError, 'max must be a positive integer, received "10"'],
    ['max is 0', [0, 0], RangeError, 'max must be a positive integer, received 0'],
    ['max is fractional', [1.5, 0], RangeError, 'max must be a positive integer, received 1.5'],
    [
      'target is not a number',
      [10, null],
      TypeError,
      'target must be an integer between 0 and max, received null',
    ],
    [
      'target is negative',
      [10, -1],
      RangeError,
      'target must be an integer between 0 and max (10), received -1',
    ],
    [
      'target exceeds max',
      [10, 11],
      RangeError,
      'target must be an integer between 0 and max (10), received 11',
    ],
    [
      'target is NaN',
      [10, Number.NaN],
      RangeError,
      'target must be an integer between 0 and max (10), received NaN',
    ],
    ['onTrim is not a function', [10, 4, 'log'], TypeError, 'onTrim must be a function, received "log"'],
  ])('throws when %s', (_, args, type, message) => {
    const call = () => (fixedBufferCleaner as (...a: unknown[]) => unknown)(...args)
    expect(call).toThrow(type)
    expect(call).toThrow(`Cannot create fixed buffer cleaner: ${message}`)
  })

  it.each([
    [
      'offsets are not an array, at or below max',
      5,
      null,
      TypeError,
      'offsets must be an array of numbers, received null',
    ],
    [
      'offsets are not an array, above max',
      11,
      null,
      TypeError,
      'offsets must be an array of numbers, received null',
    ],
    [
      'an offset is not a number, above max',
      11,
      [1, '2'],
      TypeError,
      'offsets must be an array of numbers, received "2"',
    ],
    ['size is not a number', '11', [], TypeError, 'size must be a non-negative integer, received "11"'],
    ['size is NaN', Number.NaN, [], RangeError, 'size must be a non-negative integer, received NaN'],
    [
      'size is fractional, above max',
      11.5,
      [],
      RangeError,
      'size must be a non-negative integer, received 11.5',
    ],
  ])('the cleaner it returns throws when %s, without notifying onTrim', (_, size, offsets, type, message) => {
    const onTrim = vi.fn()
    const call = () => fixedBufferCleaner(10, 4, onTrim)(size as never, offsets as never)
    expect(call).toThrow(type)
    expect(call).toThrow(`Cannot clean buffer: ${message}`)
    expect(onTrim).not.toHaveBeenCalled()
  })
})
