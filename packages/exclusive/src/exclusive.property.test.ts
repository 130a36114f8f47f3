import fc from 'fast-check'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { Exclusive } from './exclusive.js'

type Op =
  | { kind: 'call'; key: number; ms: number; fail: boolean; wait: number; rateLimit: number; signal: boolean }
  | { kind: 'start'; key: number; ms: number; fail: boolean; wait: number; rateLimit: number }
  | { kind: 'abort'; index: number }
  | { kind: 'tick'; ms: number }

interface Joiner {
  id: number
  key: number
  seq: number
  kind: 'call' | 'start'
  rateLimit: number
  controller: AbortController | undefined
  abortSeq?: number
  outcome: { status: 'pending' | 'fulfilled' | 'rejected'; value?: unknown }
}

interface Run {
  id: number
  key: number
  workId: number
  startSeq: number
  startTime: number
  endSeq: number
  endTime: number
  abortSeq?: number
  error?: { runId: number }
}

const work = { ms: fc.integer({ min: 0, max: 12 }), fail: fc.boolean() }
const timing = {
  wait: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 20 })),
  rateLimit: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 20 })),
}
const key = fc.integer({ min: 0, max: 1 })
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('call'), key, ...work, ...timing, signal: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('start'), key, ...work, ...timing }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('abort'), index: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('tick'), ms: fc.integer({ min: 0, max: 15 }) }) },
)

async function settle(ms: number) {
  await vi.advanceTimersByTimeAsync(ms)
  for (let i = 0; i < 20; i++) await Promise.resolve()
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 })
})
afterEach(() => {
  vi.useRealTimers()
})

it('Exclusive keeps its guarantees under random schedules of call, start and abort', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
      const errors: [unknown, unknown][] = []
      const exclusive = new Exclusive<number>({ onError: (error, k) => errors.push([error, k]) })
      const joiners: Joiner[] = []
      const runs: Run[] = []
      const active = new Set<number>()
      let overlaps = 0
      let seq = 0

      const workOf =
        (joiner: Joiner, ms: number, fail: boolean) => async (context: { signal: AbortSignal }) => {
          const run: Run = {
            id: runs.length,
            key: joiner.key,
            workId: joiner.id,
            startSeq: ++seq,
            startTime: Date.now(),
            endSeq: Number.POSITIVE_INFINITY,
            endTime: Number.POSITIVE_INFINITY,
          }
          runs.push(run)
          if (active.has(run.key)) overlaps++
          active.add(run.key)
          const signal = context.signal
          expect(context.signal).toBe(signal)
          signal.addEventListener('abort', () => (run.abortSeq = seq))
          if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms))
          active.delete(run.key)
          run.endSeq = ++seq
          run.endTime = Date.now()
          if (fail) throw (run.error = { runId: run.id })
          return { runId: run.id }
        }

      for (const step of ops) {
        if (step.kind === 'tick') {
          await settle(step.ms)
          // A key is never forgotten while a call or start() on it still waits for a run.
          const wanted = new Set(
            joiners
              .filter(
                (j) => j.abortSeq === undefined && !runs.some((r) => r.key === j.key && r.startSeq > j.seq),
              )
              .map((j) => j.key),
          )
          expect(exclusive.size).toBeGreaterThanOrEqual(wanted.size)
        } else if (step.kind === 'abort') {
          const open = joiners.filter((j) => j.controller && j.abortSeq === undefined)
          const target = open[step.index % Math.max(open.length, 1)]
          if (target) {
            target.abortSeq = ++seq
            target.controller?.abort(`abort ${target.id}`)
          }
        } else {
          const joiner: Joiner = {
            id: joiners.length,
            key: step.key,
            seq: ++seq,
            kind: step.kind,
            rateLimit: step.rateLimit,
            controller: step.kind === 'call' && step.signal ? new AbortController() : undefined,
            outcome: { status: 'pending' },
          }
          joiners.push(joiner)
          const fn = workOf(joiner, step.ms, step.fail)
          const options = { wait: step.wait, rateLimit: step.rateLimit }
          if (step.kind === 'start') exclusive.start(step.key, fn, options)
          else
            exclusive.call(step.key, fn, { ...options, signal: joiner.controller?.signal }).then(
              (value) => (joiner.outcome = { status: 'fulfilled', value }),
              (value: unknown) => (joiner.outcome = { status: 'rejected', value }),
            )
        }
      }
      await vi.runAllTimersAsync()
      await settle(0)

      expect(overlaps).toBe(0)
      expect(exclusive.size).toBe(0)
      expect(vi.getTimerCount()).toBe(0)

      const abortedBy = (joiner: Joiner, at: number) => joiner.abortSeq !== undefined && joiner.abortSeq < at
      for (const run of runs) {
        const sameKey = runs.filter((r) => r.key === run.key && r.startSeq < run.startSeq)
        const previous = sameKey.at(-1)
        const window = joiners.filter(
          (j) => j.key === run.key && j.seq < run.startSeq && j.seq > (previous?.startSeq ?? 0),
        )
        // Each run used the work of the last call that joined before it started.
        expect(run.workId).toBe(window.at(-1)?.id)
        // No run for a batch whose callers all aborted before it started.
        const members = window.filter((j) => !abortedBy(j, run.startSeq))
        expect(members.length).toBeGreaterThan(0)
        // Runs of one key never overlap, and respect the previous run's rate limit.
        if (previous) {
          expect(run.startTime).toBeGreaterThanOrEqual(previous.endTime)
          const limit = joiners[previous.workId]?.rateLimit ?? 0
          expect(run.startTime).toBeGreaterThanOrEqual(previous.startTime + limit)
        }
        // The work signal aborted exactly when the last member of the run had aborted.
        const abandoned = members.every((j) => j.controller !== undefined && abortedBy(j, run.endSeq))
        expect(run.abortSeq).toBe(abandoned ? Math.max(...members.map((j) => j.abortSeq ?? 0)) : undefined)
        // Every member still waiting when the run settled received its outcome.
        const waiting = members.filter((j) => j.kind === 'call' && !abortedBy(j, run.endSeq))
        for (const j of waiting)
          expect(j.outcome).toEqual({
            status: run.error ? 'rejected' : 'fulfilled',
            value: run.error ?? { runId: run.id },
          })
        // Errors nobody awaited went to onError, with the key.
        const reported = errors.filter(([error]) => error === run.error)
        expect(reported).toEqual(run.error && waiting.length === 0 ? [[run.error, run.key]] : [])
      }

      // A start() always leads to a run that starts after it.
      for (const joiner of joiners.filter((j) => j.kind === 'start'))
        expect(runs.some((run) => run.key === joiner.key && run.startSeq > joiner.seq)).toBe(true)

      for (const joiner of joiners.filter((j) => j.kind === 'call')) {
        const { status, value } = joiner.outcome
        expect(status).not.toBe('pending')
        const runId = (value as { runId?: number } | undefined)?.runId
        if (runId === undefined) {
          // Rejected by its own abort, at once and with its reason.
          expect(status).toBe('rejected')
          expect(value).toBe(`abort ${joiner.id}`)
          continue
        }
        const run = runs[runId] as Run
        // Freshness: the run a caller received started after the call.
        expect(run.key).toBe(joiner.key)
        expect(run.startSeq).toBeGreaterThan(joiner.seq)
        expect(abortedBy(joiner, run.endSeq)).toBe(false)
      }
    }),
    { numRuns: 150 },
  )
})
