/// <reference types="node" />
import { getEventListeners } from 'node:events'
import { ClosedError } from '@bigbuff/core'
import { expectOneListenerPerSignal } from '@bigbuff/test-utils'
import { describe, expect, it } from 'vitest'
import { Chan } from './chan.js'

/** Whether `promise` has settled once queued microtasks have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false
  promise.then(
    () => (done = true),
    () => (done = true),
  )
  for (let i = 0; i < 5; i++) await Promise.resolve()
  return done
}

describe('Chan construction', () => {
  it('new Chan() is unbuffered, open and empty', () => {
    const chan = new Chan<number>()
    expect(chan.capacity).toBe(0)
    expect(chan.size).toBe(0)
    expect(chan.closed).toBe(false)
  })

  it('new Chan(n) and new Chan(Infinity) report their capacity', () => {
    expect(new Chan(3).capacity).toBe(3)
    expect(new Chan(Number.POSITIVE_INFINITY).capacity).toBe(Number.POSITIVE_INFINITY)
  })

  it.each([
    [-1, RangeError, '-1'],
    [1.5, RangeError, '1.5'],
    [Number.NaN, RangeError, 'NaN'],
    [Number.NEGATIVE_INFINITY, RangeError, '-Infinity'],
    ['2', TypeError, '"2"'],
    [null, TypeError, 'null'],
  ])('new Chan(%s) throws %s', (capacity, type, shown) => {
    expect(() => new Chan(capacity as number)).toThrow(type)
    expect(() => new Chan(capacity as number)).toThrow(
      `Cannot create channel: capacity must be a non-negative integer or Infinity, received ${shown}`,
    )
  })
})

describe('Chan unbuffered', () => {
  it('Chan.send() resolves only once a receiver took the value', async () => {
    const chan = new Chan<string>()
    const sent = chan.send('a')
    expect(await settled(sent)).toBe(false)
    expect(chan.size).toBe(0)
    await expect(chan.receive()).resolves.toBe('a')
    await expect(sent).resolves.toBeUndefined()
  })

  it('Chan.receive() waits for a sender, and carries undefined as a value', async () => {
    const chan = new Chan<undefined | number>()
    const received = chan.receive()
    expect(await settled(received)).toBe(false)
    await chan.send(undefined)
    await expect(received).resolves.toBeUndefined()
  })

  it('Chan serves waiting senders and receivers in arrival order', async () => {
    const chan = new Chan<number>()
    const sends = [chan.send(1), chan.send(2), chan.send(3)]
    expect([await chan.receive(), await chan.receive(), await chan.receive()]).toEqual([1, 2, 3])
    await Promise.all(sends)
    const receives = [chan.receive(), chan.receive()]
    await chan.send(4)
    await chan.send(5)
    expect(await Promise.all(receives)).toEqual([4, 5])
  })

  it('Chan.trySend() returns false without a waiting receiver, true with one', async () => {
    const chan = new Chan<number>()
    expect(chan.trySend(1)).toBe(false)
    const received = chan.receive()
    expect(chan.trySend(2)).toBe(true)
    await expect(received).resolves.toBe(2)
  })

  it('Chan.tryReceive() is empty without a waiting sender and takes from one', async () => {
    const chan = new Chan<number>()
    expect(chan.tryReceive()).toEqual({ state: 'empty' })
    const sent = chan.send(7)
    expect(chan.tryReceive()).toEqual({ state: 'ok', value: 7 })
    await sent
  })
})

describe('Chan buffered and unbounded', () => {
  it('Chan.send() on a buffered channel resolves while there is room, then waits', async () => {
    const chan = new Chan<number>(2)
    await chan.send(1)
    await chan.send(2)
    expect(chan.size).toBe(2)
    const third = chan.send(3)
    expect(await settled(third)).toBe(false)
    expect(await chan.receive()).toBe(1)
    await third
    expect(chan.size).toBe(2)
    expect([await chan.receive(), await chan.receive()]).toEqual([2, 3])
  })

  it('Chan.receive() takes buffered values before those of waiting senders, in order', async () => {
    const chan = new Chan<number>(1)
    await chan.send(1)
    const waiting = [chan.send(2), chan.send(3)]
    const received = [await chan.receive(), await chan.receive(), await chan.receive()]
    expect(received).toEqual([1, 2, 3])
    await Promise.all(waiting)
    expect(chan.size).toBe(0)
  })

  it('Chan.send() hands the value straight to a waiting receiver, bypassing the buffer', async () => {
    const chan = new Chan<number>(4)
    const received = chan.receive()
    await chan.send(9)
    expect(chan.size).toBe(0)
    await expect(received).resolves.toBe(9)
  })

  it('Chan(Infinity).send() never waits', async () => {
    const chan = new Chan<number>(Number.POSITIVE_INFINITY)
    for (let i = 0; i < 1000; i++) expect(chan.trySend(i)).toBe(true)
    await chan.send(1000)
    expect(chan.size).toBe(1001)
    const received: number[] = []
    for (let i = 0; i <= 1000; i++) received.push(await chan.receive())
    expect(received).toEqual(Array.from({ length: 1001 }, (_, i) => i))
  })

  it('Chan.trySend() on a full buffer returns false and leaves the buffer alone', () => {
    const chan = new Chan<number>(1)
    expect(chan.trySend(1)).toBe(true)
    expect(chan.trySend(2)).toBe(false)
    expect(chan.tryReceive()).toEqual({ state: 'ok', value: 1 })
    expect(chan.tryReceive()).toEqual({ state: 'empty' })
  })
})

describe('Chan close', () => {
  it('Chan.close() is idempotent and sets closed', () => {
    const chan = new Chan()
    chan.close()
    chan.close()
    expect(chan.closed).toBe(true)
  })

  it('Chan.send() and trySend() reject / throw ClosedError after close()', async () => {
    const chan = new Chan<number>(1)
    chan.close()
    await expect(chan.send(1)).rejects.toThrow(ClosedError)
    await expect(chan.send(1)).rejects.toThrow('Cannot send: the channel is closed')
    expect(() => chan.trySend(1)).toThrow(ClosedError)
    expect(chan.size).toBe(0)
  })

  it('Chan.close() rejects waiting senders with ClosedError; their values are not sent', async () => {
    const chan = new Chan<number>(1)
    await chan.send(1)
    const waiting = chan.send(2)
    chan.close()
    await expect(waiting).rejects.toBeInstanceOf(ClosedError)
    expect(await chan.receive()).toBe(1)
    await expect(chan.receive()).rejects.toBeInstanceOf(ClosedError)
  })

  it('Chan receivers drain the buffer after close(), then reject ClosedError', async () => {
    const chan = new Chan<number>(3)
    await chan.send(1)
    await chan.send(2)
    chan.close()
    expect(chan.tryReceive()).toEqual({ state: 'ok', value: 1 })
    expect(await chan.receive()).toBe(2)
    await expect(chan.receive()).rejects.toThrow('Cannot receive: the channel is closed')
    expect(chan.tryReceive()).toEqual({ state: 'closed' })
  })

  it('Chan.close() rejects waiting receivers with ClosedError', async () => {
    const chan = new Chan<number>()
    const waiting = [chan.receive(), chan.receive()]
    chan.close()
    for (const receive of waiting) await expect(receive).rejects.toBeInstanceOf(ClosedError)
  })

  it('Chan[Symbol.dispose]() closes the channel, so using works', () => {
    let outer: Chan<number> | undefined
    {
      using chan = new Chan<number>()
      outer = chan
      expect(chan.closed).toBe(false)
    }
    expect(outer.closed).toBe(true)
  })
})

describe('Chan async iteration', () => {
  it('for await over a Chan yields values in order and ends once closed and drained', async () => {
    const chan = new Chan<number>()
    const producer = (async () => {
      for (let i = 0; i < 5; i++) await chan.send(i)
      chan.close()
    })()
    const received: number[] = []
    for await (const value of chan) received.push(value)
    await producer
    expect(received).toEqual([0, 1, 2, 3, 4])
  })

  it('for await over a buffered Chan closed with values in it still yields them', async () => {
    const chan = new Chan<number>(3)
    chan.trySend(1)
    chan.trySend(2)
    chan.close()
    const received: number[] = []
    for await (const value of chan) received.push(value)
    expect(received).toEqual([1, 2])
  })

  it('a waiting iterator next() ends when the channel closes', async () => {
    const chan = new Chan<number>()
    const iterator = chan[Symbol.asyncIterator]()
    const next = iterator.next()
    chan.close()
    await expect(next).resolves.toEqual({ value: undefined, done: true })
  })

  it('breaking out of for await ends that iterator but not the channel', async () => {
    const chan = new Chan<number>(4)
    for (const value of [1, 2, 3]) chan.trySend(value)
    for await (const value of chan) {
      expect(value).toBe(1)
      break
    }
    expect(chan.closed).toBe(false)
    const iterator = chan[Symbol.asyncIterator]()
    expect(iterator[Symbol.asyncIterator]()).toBe(iterator)
    await expect(iterator.next()).resolves.toEqual({ value: 2, done: false })
    await iterator.return?.()
    await expect(iterator.next()).resolves.toEqual({ value: undefined, done: true })
    expect(chan.tryReceive()).toEqual({ state: 'ok', value: 3 })
  })

  it('several iterators over one Chan each get distinct values', async () => {
    const chan = new Chan<number>()
    const collect = async (): Promise<number[]> => {
      const values: number[] = []
      for await (const value of chan) values.push(value)
      return values
    }
    const readers = [collect(), collect()]
    for (let i = 0; i < 10; i++) await chan.send(i)
    chan.close()
    const [a, b] = await Promise.all(readers)
    expect([...(a ?? []), ...(b ?? [])].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  })
})

describe('Chan cancellation', () => {
  it('Chan.send() with an already aborted signal rejects with the reason and sends nothing', async () => {
    const chan = new Chan<number>(1)
    const reason = new Error('aborted')
    await expect(chan.send(1, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
    expect(chan.size).toBe(0)
  })

  it('Chan.receive() with an already aborted signal rejects with the reason and takes nothing', async () => {
    const chan = new Chan<number>(1)
    chan.trySend(1)
    await expect(chan.receive({ signal: AbortSignal.abort('stop') })).rejects.toBe('stop')
    expect(chan.size).toBe(1)
  })

  it('aborting a waiting Chan.send() withdraws the value; later senders keep their order', async () => {
    const chan = new Chan<number>()
    const controller = new AbortController()
    const first = chan.send(1)
    const second = chan.send(2, { signal: controller.signal })
    const third = chan.send(3)
    controller.abort('changed my mind')
    await expect(second).rejects.toBe('changed my mind')
    expect([await chan.receive(), await chan.receive()]).toEqual([1, 3])
    await Promise.all([first, third])
    expect(chan.tryReceive()).toEqual({ state: 'empty' })
  })

  it('aborting a waiting Chan.receive() takes nothing: the value goes to the next receiver', async () => {
    const chan = new Chan<number>()
    const controller = new AbortController()
    const aborted = chan.receive({ signal: controller.signal })
    const next = chan.receive()
    controller.abort()
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' })
    await chan.send(5)
    await expect(next).resolves.toBe(5)
  })

  it('Chan removes its abort listener when a wait settles', async () => {
    const chan = new Chan<number>()
    const controller = new AbortController()
    const sent = chan.send(1, { signal: controller.signal })
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
    await chan.receive({ signal: controller.signal })
    await sent
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    const waiting = chan.receive({ signal: controller.signal })
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
    chan.close()
    await expect(waiting).rejects.toBeInstanceOf(ClosedError)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    controller.abort()
  })

  it('Chan.send() and receive() reject TypeError for bad options, changing nothing', async () => {
    const chan = new Chan<number>(1)
    await expect(chan.send(1, 'fast' as never)).rejects.toThrow(
      'Cannot send: options must be an object, received "fast"',
    )
    await expect(chan.send(1, { signal: {} as AbortSignal })).rejects.toThrow(TypeError)
    expect(chan.size).toBe(0)
    chan.trySend(1)
    await expect(chan.receive(null as never)).rejects.toThrow(
      'Cannot receive: options must be an object, received null',
    )
    expect(chan.size).toBe(1)
  })
})

describe('Chan and one shared signal', () => {
  it('a send or receive settled from the middle of a signal group leaves it; abort rejects the others', async () => {
    const first = new Chan<number>()
    const second = new Chan<number>()
    const controller = new AbortController()
    const { signal } = controller
    const a = first.receive({ signal })
    const b = second.receive({ signal })
    const c = first.receive({ signal })
    const third = new Chan<number>()
    const d = third.send(5, { signal })
    expect(getEventListeners(signal, 'abort')).toHaveLength(1)
    expect(second.trySend(2)).toBe(true)
    await expect(b).resolves.toBe(2)
    expect(getEventListeners(signal, 'abort')).toHaveLength(1)
    const reason = new Error('stop')
    controller.abort(reason)
    await expect(a).rejects.toBe(reason)
    await expect(c).rejects.toBe(reason)
    await expect(d).rejects.toBe(reason)
    expect(getEventListeners(signal, 'abort')).toHaveLength(0)
    expect(third.tryReceive()).toEqual({ state: 'empty' })
    expect(first.trySend(4)).toBe(false)
    expect(first.tryReceive()).toEqual({ state: 'empty' })
  })

  it('10,000 receive() and send() waiting on one signal add one abort listener and print no warning', async () => {
    const receiving = new Chan<number>()
    await expectOneListenerPerSignal((signal) => receiving.receive({ signal }))
    const sending = new Chan<number>()
    await expectOneListenerPerSignal((signal, i) => sending.send(i, { signal }))
    expect(receiving.tryReceive()).toEqual({ state: 'empty' })
    expect(sending.tryReceive()).toEqual({ state: 'empty' })
  })
})
