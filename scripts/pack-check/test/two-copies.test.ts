// Two copies of @bigbuff/channel in one process — its ESM build (import) and its CJS build
// (require), as when an application and one of its dependencies load the package differently —
// still work together: a Chan or case from one copy is accepted by the other's select, trySelect,
// receiveCase, sendCase and ChannelConsumer (brand checks, not instanceof).
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'

type Channel = typeof import('@bigbuff/channel')

const dist = resolve(import.meta.dirname, '../../../packages/channel/dist')
let esm: Channel
let cjs: Channel

beforeAll(async () => {
  esm = (await import(pathToFileURL(resolve(dist, 'index.js')).href)) as Channel
  cjs = createRequire(import.meta.url)(resolve(dist, 'index.cjs')) as Channel
})

describe('two copies of @bigbuff/channel (ESM and CJS builds)', () => {
  it('are two copies: instanceof fails between them', () => {
    expect(esm.Chan).not.toBe(cjs.Chan)
    expect(new cjs.Chan()).not.toBeInstanceOf(esm.Chan)
  })

  it('select of one copy receives from a ready Chan of the other', async () => {
    const chan = new cjs.Chan<string>(1)
    chan.trySend('from cjs')
    const result = await esm.select([esm.receiveCase(chan)])
    expect(result).toEqual({ index: 0, value: 'from cjs', ok: true })
  })

  it('a waiting select parks on the other copy’s Chan and is woken by its send', async () => {
    const chan = new esm.Chan<number>()
    const idle = new cjs.Chan<number>()
    const selecting = cjs.select([cjs.receiveCase(idle), cjs.receiveCase(chan)])
    await chan.send(42)
    expect(await selecting).toEqual({ index: 1, value: 42, ok: true })
    // The withdrawn case left nothing behind on either channel.
    expect(idle.trySend(1)).toBe(false)
  })

  it('mixes cases from both copies, sends included, in either select', async () => {
    const fromEsm = new esm.Chan<string>(1)
    const fromCjs = new cjs.Chan<string>()
    const result = await cjs.select([cjs.receiveCase(fromCjs), esm.sendCase(fromEsm, 'sent')])
    expect(result).toEqual({ index: 1, value: undefined, ok: true })
    expect(fromEsm.tryReceive()).toEqual({ state: 'ok', value: 'sent' })
    expect(esm.trySelect([cjs.receiveCase(fromCjs)])).toBeUndefined()
    fromCjs.close()
    expect(esm.trySelect([cjs.receiveCase(fromCjs)])).toEqual({ index: 0, value: undefined, ok: false })
  })

  it('ChannelConsumer of one copy reads a Chan of the other', async () => {
    const chan = new esm.Chan<string>(2)
    chan.trySend('a')
    chan.trySend('b')
    const consumer = new cjs.ChannelConsumer(chan)
    expect(await consumer.get()).toBe('a')
    await consumer.commit()
    expect(await consumer.get()).toBe('b')
    await consumer.close()
    expect(chan.closed).toBe(false)
  })

  it('still refuses what is no Chan', () => {
    expect(() => esm.receiveCase({} as never)).toThrow(TypeError)
    expect(() => esm.trySelect([{ kind: 'receive', chan: {} } as never])).toThrow(TypeError)
  })
})
