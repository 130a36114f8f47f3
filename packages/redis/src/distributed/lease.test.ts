/// <reference types="node" />
import { afterEach, describe, expect, it } from 'vitest'
import { rawClient, redisUrl, uniqueKey, until } from '../../test/helpers.js'
import { Connection } from '../connection.js'
import { acquireLease, type Lease, LeaseLostError } from './lease.js'

const connections: Connection[] = []
const leases: Lease[] = []

afterEach(async () => {
  await Promise.all(leases.splice(0).map((lease) => lease.close()))
  await Promise.all(connections.splice(0).map((connection) => connection.close()))
})

function connect(url = redisUrl): Connection {
  const connection = new Connection(url)
  connections.push(connection)
  return connection
}

async function take(
  connection: Connection,
  key: string,
  owner: string,
  duration = 300,
): Promise<Lease | undefined> {
  const lease = await acquireLease(connection, { key, owner, duration })
  if (lease) leases.push(lease)
  return lease
}

describe('acquireLease', () => {
  it('grants one holder at a time, with a strictly increasing token per key', async () => {
    const key = uniqueKey('lease')
    const a = connect()
    const first = await take(a, key, 'a')
    expect(first).toBeDefined()
    expect(await take(a, key, 'b')).toBeUndefined()
    await first!.close()
    const second = await take(a, key, 'b')
    expect(second!.token).toBeGreaterThan(first!.token)
    await second!.close()
    const third = await take(a, key, 'a')
    expect(third!.token).toBeGreaterThan(second!.token)
    expect(Number.isSafeInteger(third!.token)).toBe(true)
  })

  it('renews every duration / 3, so the hold outlives its duration while the holder lives', async () => {
    const key = uniqueKey('lease')
    const connection = connect()
    const lease = await take(connection, key, 'a', 300)
    await new Promise((resolve) => setTimeout(resolve, 900))
    expect(lease!.lost).toBe(false)
    expect(await take(connection, key, 'b')).toBeUndefined()
  })

  it('aborts its signal with LeaseLostError when a renewal is refused, and is never re-acquired silently', async () => {
    const key = uniqueKey('lease')
    const connection = connect()
    const lease = await take(connection, key, 'a', 300)
    const client = await rawClient()
    await client.sendCommand(['DEL', key])
    await until(() => lease!.lost, 2000)
    expect(lease!.signal.reason).toBeInstanceOf(LeaseLostError)
    expect((lease!.signal.reason as LeaseLostError).code).toBe('ERR_BIGBUFF_LEASE_LOST')
    expect(await client.sendCommand(['EXISTS', key])).toBe(0)
    client.destroy()
    await lease!.close()
    expect(lease!.lost).toBe(true)
  })

  it('is lost within its duration when Redis cannot be reached', async () => {
    const key = uniqueKey('lease')
    const connection = connect()
    const lease = await take(connection, key, 'a', 300)
    const started = performance.now()
    connection.destroy()
    await until(() => lease!.lost, 2000)
    expect(performance.now() - started).toBeLessThan(400)
  })

  it('close() releases at once and stops renewing; a lost lease stays lost', async () => {
    const key = uniqueKey('lease')
    const connection = connect()
    const lease = await take(connection, key, 'a', 10_000)
    await lease!.close()
    expect(lease!.closed).toBe(true)
    expect(lease!.lost).toBe(false)
    expect(await take(connection, key, 'b')).toBeDefined()
    expect(lease!.close()).toBe(lease!.close())
  })

  it('rejects with the client error when Redis cannot be reached', async () => {
    const connection = connect('redis://127.0.0.1:1')
    await expect(acquireLease(connection, { key: uniqueKey(), owner: 'a', duration: 300 })).rejects.toThrow()
  })

  it('works again after Redis forgot its scripts (NOSCRIPT)', async () => {
    const key = uniqueKey('lease')
    const connection = connect()
    await (await take(connection, key, 'a'))!.close()
    const client = await rawClient()
    await client.sendCommand(['SCRIPT', 'FLUSH'])
    client.destroy()
    expect(await take(connection, key, 'b')).toBeDefined()
  })
})
