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
