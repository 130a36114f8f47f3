import { describe, expect, it } from 'vitest'
import { closedMessage, refuse } from './refuse.js'

class Closed extends Error {}
const closed = (action: string, subject: string) => () => new Closed(closedMessage(action, subject))

describe('refuse()', () => {
  it('refuse() lets a valid call go on', () => {
    expect(refuse(undefined, 'get')).toBeUndefined()
    expect(refuse({}, 'get')).toBeUndefined()
    expect(refuse({ signal: new AbortController().signal }, 'get')).toBeUndefined()
  })

  it('refuse() rejects bad options with a TypeError naming what was received', async () => {
    await expect(refuse(42, 'get', closed('get', 'consumer'))).rejects.toThrow(
      new TypeError('Cannot get: options must be an object, received 42'),
    )
    await expect(refuse({ signal: 'x' }, 'get')).rejects.toThrow(
      new TypeError('Cannot get: signal must be an AbortSignal, received "x"'),
    )
  })

  it('refuse() rejects an aborted signal with its reason before a closed subject', async () => {
    const reason = new Error('stop')
    const refused = refuse({ signal: AbortSignal.abort(reason) }, 'get', closed('get', 'consumer'))
    await expect(refused).rejects.toBe(reason)
  })

  it('refuse() rejects a closed subject with ClosedError', async () => {
    const refused = refuse(undefined, 'send', closed('send', 'channel'))
    await expect(refused).rejects.toBeInstanceOf(Closed)
    await expect(refuse(undefined, 'send', closed('send', 'channel'))).rejects.toThrow(
      'Cannot send: the channel is closed',
    )
  })
})

describe('closedMessage()', () => {
  it('closedMessage() words both cases the same way everywhere', () => {
    expect(closedMessage('get', 'consumer')).toBe('Cannot get: the consumer is closed')
    expect(closedMessage('receive', 'channel', true)).toBe(
      'Cannot receive: the channel was closed while waiting',
    )
  })
})
