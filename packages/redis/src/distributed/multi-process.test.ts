/// <reference types="node" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Bundle, bundleEntry, spawnChild } from '../../test/child-runner.js'
import type { ExclusiveChildConfig, ExclusiveChildEvent } from '../../test/exclusive-child.js'
import { redisUrl, uniqueKey } from '../../test/helpers.js'
import { RedisExclusive } from './redis-exclusive.js'

let bundle: Bundle

beforeAll(async () => {
  bundle = await bundleEntry(new URL('../../test/exclusive-child.ts', import.meta.url))
}, 60_000)

afterAll(async () => {
  await bundle?.remove()
})

function child(config: Omit<ExclusiveChildConfig, 'url'>) {
  return spawnChild<ExclusiveChildEvent>(bundle, { url: redisUrl, ...config })
}

describe('RedisExclusive across processes', () => {
  it('4 processes × many callers on a few keys: runs never overlap, results are fresh, one run per batch', async () => {
    const namespace = uniqueKey('mp')
    const keys = ['a', 'b', 'c']
    const children = Array.from({ length: 4 }, () =>
      child({ namespace, mode: 'load', keys, callers: 30, waves: 4, workMs: 10 }),
    )
    try {
      await Promise.all(children.map((c) => c.waitFor((event) => event.finished === true)))
    } catch (error) {
      throw new Error(`${error}\n${children.map((c) => c.stderr()).join('\n')}`)
    }
    const events = children.flatMap((c) => c.events)
    const ran = events.filter((event) => event.ran !== undefined)
    const results = events.flatMap((event) => event.results ?? [])
    expect(results).toHaveLength(4 * 30 * 4)
    // Runs of a key never overlap: the counter never went above 1.
    for (const run of ran) expect(run.concurrent).toBe(1)
    // Freshness: every caller's result came from a run that started (Redis TIME) after it called.
    for (const result of results) expect(result.start).toBeGreaterThanOrEqual(result.callAt)
    // Every result names a run that really ran, once, for the same key.
    const runs = new Map(ran.map((run) => [run.ran!, run]))
    expect(runs.size).toBe(ran.length)
    for (const result of results) expect(runs.get(result.run)?.key).toBe(result.key)
    // Batching: far fewer runs than calls, and tokens grow with start time per key.
    expect(ran.length).toBeLessThan(results.length / 4)
    for (const key of keys) {
      const ordered = ran.filter((run) => run.key === key).sort((x, y) => x.start! - y.start!)
      for (let i = 1; i < ordered.length; i++)
        expect(ordered[i]!.token!).toBeGreaterThan(ordered[i - 1]!.token!)
    }
  }, 60_000)

  it('a runner killed with SIGKILL mid-run: its batch is run anew elsewhere within lease + one interval, with a larger token', async () => {
    const namespace = uniqueKey('kill')
    const lease = 900
    const here = new RedisExclusive({ url: redisUrl, namespace, lease })
    try {
      // Warm the connections so the join below lands at once.
      await here.call('warm', () => 0)
      const victim = child({ namespace, mode: 'hang', keys: ['k'], lease, wait: 300 })
      await victim.waitFor((event) => event.ready === true)
      let tokenHere = 0
      // This process joins first; the child joins later in the wait and so runs the batch.
      const call = here.call(
        'k',
        ({ token }) => {
          tokenHere = token
          return 'taken over'
        },
        { wait: 1500 },
      )
      const running = await victim.waitFor((event) => event.running === true)
      const killedAt = performance.now()
      await victim.kill()
      expect(await call).toBe('taken over')
      const elapsed = performance.now() - killedAt
      expect(elapsed).toBeLessThan(lease + lease / 3 + 700)
      expect(tokenHere).toBeGreaterThan(running.token!)
      // The key works normally afterwards.
      expect(await here.call('k', ({ token }) => token)).toBeGreaterThan(tokenHere)
    } finally {
      await here.close()
    }
  }, 30_000)
})
