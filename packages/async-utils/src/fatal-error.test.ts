import { describe, expect, it } from 'vitest'
import { FatalError, isFatalError, unwrapFatalError } from './fatal-error.js'

describe('FatalError', () => {
  it('is an Error named FatalError that keeps its cause and takes its message', () => {
    const cause = new TypeError('bad')
    const error = new FatalError(cause)
    expect(error).toBeInstanceOf(Error)
    expect(error).toBeInstanceOf(FatalError)
    expect(error.name).toBe('FatalError')
    expect(error.cause).toBe(cause)
    expect(error.message).toBe('bad')
    expect(String(error)).toBe('FatalError: bad')
  })

  it.each([
    ['text', 'text'],
    [undefined, 'undefined'],
    [null, 'null'],
    [42, '42'],
    [{ code: 1 }, '[object Object]'],
  ])('describes the non-error cause %s in its message', (cause, message) => {
    const error = new FatalError(cause)
    expect(error.message).toBe(message)
    expect(error.cause).toBe(cause)
    expect(Object.hasOwn(error, 'cause')).toBe(true)
  })

  it('isFatalError() recognises FatalErrors only', () => {
    expect(isFatalError(new FatalError(1))).toBe(true)
    expect(isFatalError(new Error('plain'))).toBe(false)
    expect(isFatalError(null)).toBe(false)
    expect(isFatalError('FatalError')).toBe(false)
  })

  it('unwrapFatalError() returns the innermost cause', () => {
    const cause = new Error('inner')
    expect(unwrapFatalError(new FatalError(cause))).toBe(cause)
    expect(unwrapFatalError(new FatalError(new FatalError(new FatalError(cause))))).toBe(cause)
  })
})
