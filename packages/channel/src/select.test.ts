/// <reference types="node" />
import { getEventListeners } from 'node:events'
import { ClosedError } from '@bigbuff/core'
import { expectOneListenerPerSignal } from '@bigbuff/test-utils'
import { describe, expect, it } from 'vitest'
import { Chan } from './chan.js'
import { receiveCase, type SelectCase, select, sendCase, trySelect } from './select.js'

async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false
  promise.then(
    () => (done = true),
    () => (done = true),
  )
  for (let i = 0; i < 5; i++) await Promise.resolve()
  return done
}

describe('select with a ready case', () => {
  it('select() performs a ready receive case and reports its index and value', async () => {
    const idle = new Chan<number>()
    const ready = new Chan<number>(1)
    ready.trySend(42)
    await expect(select([receiveCase(idle), receiveCase(ready)])).resolves.toEqual({
      index: 1,
      value: 42,
      ok: true,
    })
    expect(ready.size).toBe(0)
  })

  it('select() performs a ready send case with { value: undefined, ok: true }', async () => {
    const chan = new Chan<string>(1)
    await expect(select([sendCase(chan, 'x')])).resolves.toEqual({ index: 0, value: undefined, ok: true })
    expect(chan.tryReceive()).toEqual({ state: 'ok', value: 'x' })
  })

  it('select() takes from a waiting sender on an unbuffered channel', async () => {
    const chan = new Chan<number>()
    const sent = chan.send(5)
    await expect(select([receiveCase(chan)])).resolves.toEqual({ index: 0, value: 5, ok: true })
    await sent
  })

  it('select() receive case on a closed, drained channel is ready with ok: false', async () => {
    const chan = new Chan<number>()
    chan.close()
    await expect(select([receiveCase(chan)])).resolves.toEqual({ index: 0, value: undefined, ok: false })
  })

  it('select() send case on a closed channel is ready and rejects ClosedError when chosen', async () => {
    const chan = new Chan<number>(1)
    chan.close()
    await expect(select([sendCase(chan, 1), receiveCase(new Chan<number>())])).rejects.toBeInstanceOf(
      ClosedError,
    )
  })

  it('select() performs exactly one case when several are ready', async () => {
    const a = new Chan<number>(1)
    const b = new Chan<number>(1)
    a.trySend(1)
    b.trySend(2)
    const result = await select([receiveCase(a), receiveCase(b)])
    expect(a.size + b.size).toBe(1)
    expect(result.value).toBe(result.index + 1)
  })

  it('select() chooses among ready cases uniformly at random', () => {
    const chans = [new Chan<number>(1), new Chan<number>(1), new Chan<number>(1), new Chan<number>()]
    const cases = chans.map((chan) => receiveCase(chan))
    const counts = [0, 0, 0, 0]
    const rounds = 3000
    for (let i = 0; i < rounds; i++) {
      for (const chan of chans.slice(0, 3)) if (chan.size === 0) chan.trySend(i)
      const index = trySelect(cases)?.index ?? 3
      counts[index] = (counts[index] ?? 0) + 1
    }
    // Each of the three ready cases expects 1000; ±20% is far beyond chance (≈ 7 standard deviations).
    for (const count of counts.slice(0, 3)) {
      expect(count).toBeGreaterThan(800)
      expect(count).toBeLessThan(1200)
    }
    expect(counts[3]).toBe(0)
  })

  it('select() cases can be reused across selects', async () => {
    const chan = new Chan<number>(2)
    const cases = [sendCase(chan, 7)]
    await select(cases)
    await select(cases)
    expect([chan.tryReceive(), chan.tryReceive()]).toEqual([
      { state: 'ok', value: 7 },
      { state: 'ok', value: 7 },
    ])
  })
})

describe('select waiting', () => {
  it('select() waits until a counterpart arrives and withdraws every other case', async () => {
    const a = new Chan<number>()
    const b = new Chan<number>()
    const out = new Chan<number>()
    const selected = select([receiveCase(a), receiveCase(b), sendCase(out, 9)])
    expect(await settled(selected)).toBe(false)
    await b.send(2)
    await expect(selected).resolves.toEqual({ index: 1, value: 2, ok: true })
    expect(a.trySend(1)).toBe(false)
    expect(out.tryReceive()).toEqual({ state: 'empty' })
  })

  it('a waiting select() send case completes when a receiver arrives', async () => {
    const out = new Chan<string>()
    const selected = select([receiveCase(new Chan<string>()), sendCase(out, 'hi')])
    await expect(out.receive()).resolves.toBe('hi')
    await expect(selected).resolves.toEqual({ index: 1, value: undefined, ok: true })
  })

  it('a waiting select() send case on a buffered channel fills the slot a receive frees', async () => {
    const chan = new Chan<number>(1)
    chan.trySend(1)
    const selected = select([sendCase(chan, 2)])
    expect(await chan.receive()).toBe(1)
    await expect(selected).resolves.toMatchObject({ index: 0, ok: true })
    expect(chan.tryReceive()).toEqual({ state: 'ok', value: 2 })
  })

  it('a waiting select() receive case is chosen with ok: false when its channel closes', async () => {
    const a = new Chan<number>()
    const b = new Chan<number>()
    const selected = select([receiveCase(a), receiveCase(b)])
    b.close()
    await expect(selected).resolves.toEqual({ index: 1, value: undefined, ok: false })
    expect(a.trySend(1)).toBe(false)
  })

  it('a waiting select() send case rejects ClosedError when its channel closes', async () => {
    const chan = new Chan<number>()
    const other = new Chan<number>()
    const selected = select([sendCase(chan, 1), receiveCase(other)])
    chan.close()
    await expect(selected).rejects.toThrow('Cannot send: the channel was closed while waiting')
    expect(other.trySend(1)).toBe(false)
  })

  it('closing a channel a select waits on to send and receive picks the receive case, as in Go', async () => {
    const chan = new Chan<number>()
    const selected = select([sendCase(chan, 1), receiveCase(chan)])
    chan.close()
    await expect(selected).resolves.toEqual({ index: 1, value: undefined, ok: false })
  })

  it('a select() waiting on two receive cases of one channel is decided once', async () => {
    const chan = new Chan<number>()
    const selected = select([receiveCase(chan), receiveCase(chan)])
    chan.close()
    await expect(selected).resolves.toEqual({ index: 0, value: undefined, ok: false })
  })

  it('waiting selects queue in arrival order with plain receivers', async () => {
    const chan = new Chan<number>()
    const first = chan.receive()
    const second = select([receiveCase(chan)])
    const third = chan.receive()
    await chan.send(1)
    await chan.send(2)
    await chan.send(3)
    expect(await first).toBe(1)
    expect(await second).toEqual({ index: 0, value: 2, ok: true })
    expect(await third).toBe(3)
  })

  it('select() as a sender is served in arrival order', async () => {
    const chan = new Chan<number>()
    const first = chan.send(1)
    const second = select([sendCase(chan, 2)])
    expect(chan.tryReceive()).toEqual({ state: 'ok', value: 1 })
    expect(chan.tryReceive()).toEqual({ state: 'ok', value: 2 })
    await first
    await expect(second).resolves.toEqual({ index: 0, value: undefined, ok: true })
  })
})

describe('select cancellation and bad input', () => {
  it('select() with an already aborted signal rejects with its reason and touches nothing', async () => {
    const chan = new Chan<number>(1)
    chan.trySend(1)
    await expect(select([receiveCase(chan)], { signal: AbortSignal.abort('stop') })).rejects.toBe('stop')
    expect(chan.size).toBe(1)
  })

  it('aborting a waiting select() rejects with the reason and leaves every channel untouched', async () => {
    const a = new Chan<number>()
    const b = new Chan<number>()
    const controller = new AbortController()
    const selected = select([receiveCase(a), sendCase(b, 1)], { signal: controller.signal })
    controller.abort('enough')
    await expect(selected).rejects.toBe('enough')
    expect(a.trySend(1)).toBe(false)
    expect(b.tryReceive()).toEqual({ state: 'empty' })
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  it('select() removes its abort listener once a case is chosen', async () => {
    const chan = new Chan<number>()
    const controller = new AbortController()
    const selected = select([receiveCase(chan)], { signal: controller.signal })
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
    await chan.send(3)
    await selected
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  it('select([]) waits until aborted', async () => {
    const controller = new AbortController()
    const selected = select([], { signal: controller.signal })
    expect(await settled(selected)).toBe(false)
    controller.abort('bye')
    await expect(selected).rejects.toBe('bye')
  })

  it('select([]) without a signal never settles', async () => {
    expect(await settled(select([]))).toBe(false)
  })

  it('trySelect() returns undefined when no case is ready and performs nothing', () => {
    const chan = new Chan<number>()
    expect(trySelect([receiveCase(chan), sendCase(chan, 1)])).toBeUndefined()
    expect(trySelect([])).toBeUndefined()
  })

  it('trySelect() performs a ready case, and throws ClosedError for a chosen send on a closed channel', () => {
    const chan = new Chan<number>(1)
    expect(trySelect([sendCase(chan, 1)])).toEqual({ index: 0, value: undefined, ok: true })
    expect(trySelect([receiveCase(chan)])).toEqual({ index: 0, value: 1, ok: true })
    chan.close()
    expect(() => trySelect([sendCase(chan, 2)])).toThrow(ClosedError)
  })

  it('receiveCase() and sendCase() throw TypeError for a non-Chan', () => {
    expect(() => receiveCase({} as Chan<number>)).toThrow(
      'Cannot create receive case: chan must be a Chan, received [object Object]',
    )
    expect(() => sendCase(null as unknown as Chan<number>, 1)).toThrow(TypeError)
    expect(() => sendCase(null as unknown as Chan<number>, 1)).toThrow(
      'Cannot create send case: chan must be a Chan, received null',
    )
  })

  it('select() rejects TypeError for a non-array or a foreign case, changing nothing', async () => {
    const chan = new Chan<number>(1)
    chan.trySend(1)
    await expect(select('cases' as never)).rejects.toThrow(
      'Cannot select: cases must be an array, received "cases"',
    )
    const foreign = { kind: 'receive' } as SelectCase
    await expect(select([receiveCase(chan), foreign])).rejects.toThrow(
      'Cannot select: cases[1] must come from receiveCase() or sendCase(), received [object Object]',
    )
    await expect(select([receiveCase(chan)], { signal: 'x' as never })).rejects.toThrow(TypeError)
    expect(() => trySelect([foreign])).toThrow(TypeError)
    expect(chan.size).toBe(1)
  })
})

describe('select and one shared signal', () => {
  it('10,000 select() waiting on one signal add one abort listener and print no warning', async () => {
    const a = new Chan<number>()
    const b = new Chan<number>()
    const cases = [receiveCase(a), sendCase(b, 1)]
    await expectOneListenerPerSignal((signal) => select(cases, { signal }))
    // Every case was withdrawn: nothing waits on either channel.
    expect(a.trySend(1)).toBe(false)
    expect(b.tryReceive()).toEqual({ state: 'empty' })
  })
})
