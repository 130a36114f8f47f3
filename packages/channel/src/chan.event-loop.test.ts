/// <reference types="node" />
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Chan } from './chan.js'

const MESSAGES = 1_000_000

/** One sender and one receiver that await only each other, as tight as a loop gets. */
async function pingThrough(
  chan: Chan<number>,
  count: number,
  onReceive?: (i: number) => void,
): Promise<number> {
  const sender = (async () => {
    for (let i = 0; i < count; i++) await chan.send(i)
  })()
  let sum = 0
  for (let i = 0; i < count; i++) {
    sum += await chan.receive()
    onReceive?.(i)
  }
  await sender
  return sum
}

afterEach(() => {
  vi.useRealTimers()
})

describe('Chan and the event loop', () => {
  it('a setTimeout(0) fires while a million values pass an unbuffered Chan in a tight loop', async () => {
    const chan = new Chan<number>()
    let received = 0
    let firedAt = -1
    let immediateAt = -1
    setTimeout(() => (firedAt = received), 0)
    setImmediate(() => (immediateAt = received))
    const sum = await pingThrough(chan, MESSAGES, (i) => (received = i + 1))
    expect(sum).toBe((MESSAGES * (MESSAGES - 1)) / 2)
    // Both fired in the middle of the run, not after it: the loop never starved them.
    expect(firedAt).toBeGreaterThan(0)
    expect(firedAt).toBeLessThan(MESSAGES)
    expect(immediateAt).toBeGreaterThan(0)
    expect(immediateAt).toBeLessThan(MESSAGES)
  })

  it('a buffered Chan drained by for await lets timers run too', async () => {
    const chan = new Chan<number>(Number.POSITIVE_INFINITY)
    for (let i = 0; i < 200_000; i++) chan.trySend(i)
    chan.close()
    let received = 0
    let firedAt = -1
    setTimeout(() => (firedAt = received), 0)
    for await (const _ of chan) received++
    expect(received).toBe(200_000)
    expect(firedAt).toBeGreaterThan(0)
    expect(firedAt).toBeLessThan(200_000)
  })

  it('a tight Chan loop completes under fake timers and schedules no fake timer', async () => {
    vi.useFakeTimers()
    const chan = new Chan<number>()
    const count = 100_000
    const sum = await pingThrough(chan, count)
    expect(sum).toBe((count * (count - 1)) / 2)
    expect(vi.getTimerCount()).toBe(0)
  })
})
