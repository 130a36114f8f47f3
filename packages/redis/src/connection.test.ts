/// <reference types="node" />
import { ClosedError } from '@bigbuff/core'
import { describe, expect, it } from 'vitest'
import { rawClient, redisUrl, uniqueKey } from '../test/helpers.js'
import { freePort } from '../test/redis-server.js'
import { Connection } from './connection.js'
import { READ } from './scripts.js'

describe('Connection', () => {
  it('sends commands in call order, also those issued while it connects', async () => {
    const connection = new Connection(redisUrl)
    const key = uniqueKey('list')
    const sent = [
      connection.send(['RPUSH', key, 'a']),
      connection.multi([
        ['RPUSH', key, 'b'],
        ['RPUSH', key, 'c'],
      ]),
      connection.send(['RPUSH', key, 'd']),
    ]
    await Promise.all(sent)
    expect(await connection.send(['LRANGE', key, '0', '-1'])).toEqual(['a', 'b', 'c', 'd'])
    await connection.close()
  })

  it('a signal aborted while connecting cancels that command only', async () => {
    const connection = new Connection(redisUrl)
    const key = uniqueKey('list')
    const controller = new AbortController()
    const cancelled = connection.send(['RPUSH', key, 'a'], controller.signal)
    const kept = connection.send(['RPUSH', key, 'b'])
    controller.abort('stop')
    await expect(cancelled).rejects.toBe('stop')
    await kept
    expect(await connection.send(['LRANGE', key, '0', '-1'])).toEqual(['b'])
    await connection.close()
  })

  it('rejects every command waiting for an unreachable server with the client error, and tries again next time', async () => {
    const connection = new Connection(`redis://127.0.0.1:${await freePort()}`)
    const first = connection.send(['PING'])
    const second = connection.multi([['PING']])
    await expect(first).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    await expect(second).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    await expect(connection.send(['PING'])).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    await connection.close()
  })

  it('destroy() while connecting rejects the waiting commands with ClosedError and drops the new connection', async () => {
    const connection = new Connection(redisUrl)
    const waiting = connection.send(['PING'])
    connection.destroy()
    await expect(waiting).rejects.toBeInstanceOf(ClosedError)
    await connection.close()
    await expect(connection.send(['PING'])).rejects.toBeInstanceOf(ClosedError)
  })

  it('close() lets commands already sent finish; later ones reject ClosedError', async () => {
    const connection = new Connection(redisUrl)
    await connection.send(['PING'])
    const key = uniqueKey('counter')
    const sent = connection.send(['INCR', key])
    await connection.close()
    await expect(sent).resolves.toBe(1)
    await expect(connection.send(['GET', key])).rejects.toBeInstanceOf(ClosedError)
    await expect(connection.multi([['GET', key]])).rejects.toBeInstanceOf(ClosedError)
  })

  it('script() sends the source when Redis does not know the script', async () => {
    const admin = await rawClient()
    await admin.sendCommand(['SCRIPT', 'FLUSH'])
    admin.destroy()
    const connection = new Connection(redisUrl)
    const key = uniqueKey()
    await connection.send(['XGROUP', 'CREATE', key, 'g', '0', 'MKSTREAM'])
    const reply = (await connection.script(READ, key, ['g', 'c', '10', 'history', '0'])) as unknown[]
    expect(reply[0]).toBe('history')
    expect(await connection.send(['SCRIPT', 'EXISTS', READ.sha])).toEqual([1])
    await expect(connection.script(READ, 'no-such-key', ['g', 'c', '10', 'history', '0'])).rejects.toThrow(
      /NOGROUP/,
    )
    await connection.close()
  })
})
