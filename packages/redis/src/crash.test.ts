/// <reference types="node" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleChild, type ChildBundle, committed, received, runChild } from '../test/child-process.js'
import { groupConsumers, openStream, redisUrl, uniqueKey, until } from '../test/helpers.js'

let bundle: ChildBundle

beforeAll(async () => {
  bundle = await bundleChild()
})

afterAll(async () => {
  await bundle.remove()
})

const values = (count: number): number[] => Array.from({ length: count }, (_, i) => i)

describe('RedisStream across a crash', () => {
  it('a process killed mid-batch loses nothing: the same instance id gets every uncommitted value, in order, once', async () => {
    const key = uniqueKey('crash')
    const stream = openStream<number>({ stream: key })
    await stream.putAll(values(100))
    const common = { url: redisUrl, stream: key, name: 'workers', instance: 'worker-1', claimIdle: 60_000 }

    const first = runChild(bundle, { ...common, mode: 'consume', batch: 10, batches: 3, extra: 4 })
    await first.waitFor((event) => event.paused === true)
    await first.kill()
    expect(committed(first)).toEqual(values(30))
    expect(received(first)).toEqual(values(34))

    const second = runChild(bundle, { ...common, mode: 'drain', count: 70 })
    await second.waitFor((event) => event.committed === true)
    await second.exited
    expect(received(second)).toEqual(values(100).slice(30))

    const check = stream.consumer('workers', { instance: 'worker-1' })
    await stream.put(100)
    expect(await check.get()).toBe(100)
  })

  it('two live instances share a name; when one is killed the survivor claims its pending values after claimIdle', async () => {
    const key = uniqueKey('claim')
    const stream = openStream<number>({ stream: key })
    const survivor = stream.consumer('workers', { instance: 'survivor', claimIdle: 500 })
    const doomed = runChild(bundle, {
      url: redisUrl,
      stream: key,
      name: 'workers',
      instance: 'doomed',
      claimIdle: 60_000,
      mode: 'consume',
      batch: 5,
      batches: 2,
      extra: 3,
    })
    const total = 300
    const got: number[] = []
    const accounted = (): boolean => new Set([...got, ...committed(doomed)]).size === total
    const surviving = (async () => {
      while (!accounted()) {
        got.push(await survivor.get())
        await survivor.commit()
      }
    })()
    // Awaited below; if the test fails first, closing the survivor must not leave it unhandled.
    surviving.catch(() => {})
    // Both instances are reading before the values arrive, so both get a share. The child process
    // starts Node and loads a bundle first, which takes seconds on a busy machine.
    await until(async () => (await groupConsumers(key, 'workers')) === 2, 30_000)
    await stream.putAll(values(total))
    await doomed.waitFor((event) => event.paused === true)
    await doomed.kill()
    await surviving

    const readByDoomed = received(doomed)
    const committedByDoomed = committed(doomed)
    expect(committedByDoomed).toEqual(readByDoomed.slice(0, 10))
    expect(got.some((value) => !readByDoomed.includes(value))).toBe(true)
    expect([...got, ...committedByDoomed].sort((a, b) => a - b)).toEqual(values(total))
    const uncommittedByDoomed = readByDoomed.slice(10)
    expect(got.filter((value) => uncommittedByDoomed.includes(value))).toEqual(uncommittedByDoomed)
  })
})
