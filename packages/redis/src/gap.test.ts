/// <reference types="node" />
import { ConsumerBehindError } from '@bigbuff/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { keyOf, openStream, rawClient } from '../test/helpers.js'
import { Connection } from './connection.js'

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i)

afterEach(() => {
  vi.restoreAllMocks()
})

type Event = number | { offset: number; behind: number }

async function next(consumer: { get(): Promise<number> }): Promise<Event> {
  try {
    return await consumer.get()
  } catch (error) {
    if (!(error instanceof ConsumerBehindError)) throw error
    return { offset: error.offset, behind: error.behind }
  }
}

/**
 * Checks a reader's events: values increase, and every jump in them is announced by errors whose
 * `behind` add up to exactly that jump, the first of them at the offset of the first value skipped.
 */
function checkJumps(events: readonly Event[], from = 0): void {
  let expected = from
  let announced = 0
  for (const event of events) {
    if (typeof event === 'number') {
      expect(event, `a jump to ${event} announced as ${announced}`).toBe(expected + announced)
      expected = event + 1
      announced = 0
    } else {
      expect(event.offset, 'gap offset').toBe(expected + announced)
      expect(event.behind).toBeGreaterThan(0)
      announced += event.behind
    }
  }
}

describe('RedisStream consumer: the size of a gap', () => {
  it('is the one the read went past: entries trimmed after the read are reported as a gap of their own', async () => {
    const stream = openStream<number>()
    const key = keyOf(stream)
    const consumer = stream.consumer('c', { claimIdle: 60_000 })
    await stream.putAll(range(0, 10))
    for (const value of range(0, 10)) expect(await consumer.get()).toBe(value)
    await consumer.commit()
    const raw = await rawClient()
    try {
      for (const value of range(10, 30)) await raw.sendCommand(['XADD', key, '*', 'v', String(value)])
      await raw.sendCommand(['XTRIM', key, 'MAXLEN', '=', '10'])
      // Once the read past the gap has its reply, the producer adds and trims again before the
      // reader's next command reaches Redis (that used to be the script settling the gap).
      let armed = false
      let fired = false
      const interfere = async (): Promise<void> => {
        if (!armed || fired) return
        fired = true
        for (const value of range(30, 40)) await raw.sendCommand(['XADD', key, '*', 'v', String(value)])
        await raw.sendCommand(['XTRIM', key, 'MAXLEN', '=', '5'])
      }
      const { multi, script, send } = Connection.prototype
      vi.spyOn(Connection.prototype, 'multi').mockImplementation(async function (this: Connection, ...args) {
        await interfere()
        const reply = await multi.apply(this, args)
        armed = true
        return reply
      })
      vi.spyOn(Connection.prototype, 'script').mockImplementation(async function (this: Connection, ...args) {
        await interfere()
        return script.apply(this, args)
      })
      vi.spyOn(Connection.prototype, 'send').mockImplementation(async function (this: Connection, ...args) {
        await interfere()
        return send.apply(this, args)
      })
      const events: Event[] = []
      for (let i = 0; i < 17; i++) events.push(await next(consumer))
      expect(fired).toBe(true)
      expect(events).toEqual([
        { offset: 10, behind: 10 },
        ...range(20, 30),
        { offset: 30, behind: 5 },
        ...range(35, 40),
      ])
      checkJumps(events, 10)
    } finally {
      raw.destroy()
    }
  })

  it('adds up to every jump in the values while a producer keeps trimming and several readers lag', async () => {
    const total = 1500
    const producer = openStream<number>()
    const key = keyOf(producer)
    const readers = Array.from({ length: 4 }, (_, i) =>
      openStream<number>({ stream: key }).consumer(`reader-${i}`, { claimIdle: 60_000 }),
    )
    // Every group exists before the first value, so each reader's offsets count from 0.
    await Promise.all(
      readers.map((reader) => reader.get({ signal: AbortSignal.timeout(50) }).catch(() => {})),
    )
    let seed = 16
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed / 2147483648
    }
    const raw = await rawClient()
    const produce = async (): Promise<void> => {
      let value = 0
      while (value < total) {
        const batch = Math.min(total - value, 1 + Math.floor(random() * 40))
        const commands = raw.multi()
        for (let i = 0; i < batch; i++) commands.addCommand(['XADD', key, '*', 'v', String(value++)])
        await commands.exec()
        if (random() < 0.6)
          await raw.sendCommand(['XTRIM', key, 'MAXLEN', '=', String(5 + Math.floor(random() * 40))])
        if (random() < 0.3) await new Promise((resolve) => setTimeout(resolve, random() * 3))
      }
    }
    const read = async (reader: (typeof readers)[number], index: number): Promise<Event[]> => {
      const events: Event[] = []
      let last = -1
      let sinceCommit = 0
      while (last < total - 1) {
        const event = await next(reader)
        events.push(event)
        if (typeof event === 'number') {
          last = event
          if (++sinceCommit >= 7) {
            await reader.commit()
            sinceCommit = 0
          }
        }
        // Readers lag by different amounts.
        if (random() < 0.05 * (index + 1)) await new Promise((resolve) => setTimeout(resolve, random() * 4))
      }
      return events
    }
    try {
      const [, ...all] = await Promise.all([produce(), ...readers.map(read)])
      let gaps = 0
      for (const events of all) {
        checkJumps(events)
        expect(events.at(-1)).toBe(total - 1)
        gaps += events.filter((event) => typeof event !== 'number').length
      }
      // The run did go past trimmed entries.
      expect(gaps).toBeGreaterThan(0)
    } finally {
      raw.destroy()
    }
  }, 60_000)
})
