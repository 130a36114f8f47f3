import { describe, expect, it } from 'vitest'
import {
  BigbuffError,
  ClosedError,
  ConsumerBehindError,
  isBigbuffError,
  NothingToCommitError,
  NothingToRollbackError,
} from './index.js'

describe('error classes', () => {
  it.each([
    [new ClosedError(), 'ClosedError', 'ERR_BIGBUFF_CLOSED'],
    [new NothingToCommitError(), 'NothingToCommitError', 'ERR_BIGBUFF_NOTHING_TO_COMMIT'],
    [new NothingToRollbackError(), 'NothingToRollbackError', 'ERR_BIGBUFF_NOTHING_TO_ROLLBACK'],
    [new ConsumerBehindError({ offset: 3, behind: 2 }), 'ConsumerBehindError', 'ERR_BIGBUFF_CONSUMER_BEHIND'],
  ] as const)('%s has its name and code and extends BigbuffError and Error', (error, name, code) => {
    expect(error).toBeInstanceOf(Error)
    expect(error).toBeInstanceOf(BigbuffError)
    expect(error.name).toBe(name)
    expect(error.code).toBe(code)
    expect(error.message).not.toBe('')
    expect(String(error)).toContain(name)
    expect(isBigbuffError(error)).toBe(true)
    expect(isBigbuffError(error, code)).toBe(true)
  })

  it('ConsumerBehindError carries offset and behind and names them in its message', () => {
    const error = new ConsumerBehindError({ offset: 10, behind: 4 })
    expect(error.offset).toBe(10)
    expect(error.behind).toBe(4)
    expect(error.message).toContain('10')
    expect(error.message).toContain('4')
    expect(new ConsumerBehindError({ offset: 1, behind: 1 }, 'custom').message).toBe('custom')
  })

  it('custom messages and causes are kept', () => {
    const cause = new Error('root')
    const error = new ClosedError('Cannot put: buffer closed', { cause })
    expect(error.message).toBe('Cannot put: buffer closed')
    expect(error.cause).toBe(cause)
    expect(new NothingToCommitError('x').message).toBe('x')
    expect(new NothingToRollbackError('y').message).toBe('y')
  })
})

describe('isBigbuffError()', () => {
  it('rejects other codes, foreign errors and non-errors', () => {
    expect(isBigbuffError(new ClosedError(), 'ERR_BIGBUFF_NOTHING_TO_COMMIT')).toBe(false)
    expect(isBigbuffError(new Error('plain'))).toBe(false)
    expect(isBigbuffError(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(false)
    expect(isBigbuffError(Object.assign(new Error('x'), { code: 42 }))).toBe(false)
    expect(isBigbuffError({ code: 'ERR_BIGBUFF_CLOSED', message: 'not an Error' })).toBe(false)
    expect(isBigbuffError(null)).toBe(false)
    expect(isBigbuffError(undefined)).toBe(false)
    expect(isBigbuffError('ERR_BIGBUFF_CLOSED')).toBe(false)
  })

  it('recognises errors from a second copy of the package, where instanceof fails', async () => {
    const secondCopy = './errors.ts?second-copy'
    const copy = (await import(/* @vite-ignore */ secondCopy)) as typeof import('./errors.js')
    expect(copy.ClosedError).not.toBe(ClosedError)
    const foreign = new copy.ClosedError()
    expect(foreign instanceof ClosedError).toBe(false)
    expect(isBigbuffError(foreign)).toBe(true)
    expect(isBigbuffError(foreign, 'ERR_BIGBUFF_CLOSED')).toBe(true)
    expect(
      copy.isBigbuffError(new ConsumerBehindError({ offset: 0, behind: 1 }), 'ERR_BIGBUFF_CONSUMER_BEHIND'),
    ).toBe(true)
  })
})

describe('error constructors and isBigbuffError() refuse bad arguments', () => {
  const codes =
    'ERR_BIGBUFF_CLOSED, ERR_BIGBUFF_NOTHING_TO_COMMIT, ERR_BIGBUFF_NOTHING_TO_ROLLBACK, ERR_BIGBUFF_CONSUMER_BEHIND'

  it.each([
    ['an unknown code', 'ERR_NOPE', '"ERR_NOPE"'],
    ['a number', 42, '42'],
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
  ])('new BigbuffError() throws TypeError for %s', (_, code, shown) => {
    const create = () => new BigbuffError(code as never, 'message')
    expect(create).toThrow(TypeError)
    expect(create).toThrow(`Cannot create BigbuffError: code must be one of ${codes}, received ${shown}`)
  })

  it('new BigbuffError() with a bigbuff code builds an error isBigbuffError() recognises', () => {
    const error = new BigbuffError('ERR_BIGBUFF_CLOSED', 'closed')
    expect(error.code).toBe('ERR_BIGBUFF_CLOSED')
    expect(isBigbuffError(error, 'ERR_BIGBUFF_CLOSED')).toBe(true)
  })

  it.each([
    ['null details', null, TypeError, 'details must be an object with offset and behind, received null'],
    [
      'undefined details',
      undefined,
      TypeError,
      'details must be an object with offset and behind, received undefined',
    ],
    ['a number', 5, TypeError, 'details must be an object with offset and behind, received 5'],
    ['a string offset', { offset: '1', behind: 2 }, TypeError, 'offset must be an integer ≥ 0, received "1"'],
    ['a missing offset', { behind: 2 }, TypeError, 'offset must be an integer ≥ 0, received undefined'],
    [
      'a negative offset',
      { offset: -1, behind: 2 },
      RangeError,
      'offset must be an integer ≥ 0, received -1',
    ],
    [
      'a fractional offset',
      { offset: 1.5, behind: 2 },
      RangeError,
      'offset must be an integer ≥ 0, received 1.5',
    ],
    [
      'an infinite offset',
      { offset: Number.POSITIVE_INFINITY, behind: 2 },
      RangeError,
      'offset must be an integer ≥ 0, received Infinity',
    ],
    ['a null behind', { offset: 1, behind: null }, TypeError, 'behind must be an integer ≥ 1, received null'],
    ['a zero behind', { offset: 1, behind: 0 }, RangeError, 'behind must be an integer ≥ 1, received 0'],
    [
      'a NaN behind',
      { offset: 1, behind: Number.NaN },
      RangeError,
      'behind must be an integer ≥ 1, received NaN',
    ],
  ])('new ConsumerBehindError() throws for %s', (_, details, type, message) => {
    const create = () => new ConsumerBehindError(details as never)
    expect(create).toThrow(type)
    expect(create).toThrow(`Cannot create ConsumerBehindError: ${message}`)
  })

  it('new ConsumerBehindError() accepts offset 0 and behind 1, the smallest valid details', () => {
    const error = new ConsumerBehindError({ offset: 0, behind: 1 })
    expect([error.offset, error.behind]).toEqual([0, 1])
  })

  it.each([
    ['an unknown code', 'ERR_NOPE', '"ERR_NOPE"'],
    ['a number', 42, '42'],
    ['null', null, 'null'],
  ])('isBigbuffError() throws TypeError for %s as code, whatever the error', (_, code, shown) => {
    for (const error of [new ClosedError(), new Error('plain'), null]) {
      const check = () => isBigbuffError(error, code as never)
      expect(check).toThrow(TypeError)
      expect(check).toThrow(`Cannot check error: code must be one of ${codes}, received ${shown}`)
    }
  })

  it('isBigbuffError() with code undefined checks any bigbuff code', () => {
    expect(isBigbuffError(new NothingToCommitError(), undefined)).toBe(true)
    expect(isBigbuffError(new Error('plain'), undefined)).toBe(false)
  })
})
