import { Op, same } from '@bigbuff/test-utils'
import { Workers } from '@bigbuff/workers'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { COMMANDS, runs, weighted } from '../support/profile.js'
import { settle } from '../support/settle.js'
import { Signals } from '../support/signals.js'

/** How a job's work behaves: returns at once, throws, or waits until a `Finish` command settles it. */
type Behaviour = 'value' | 'throw' | 'later'

interface ModelJob {
  readonly id: number
  readonly op: Op
  readonly behaviour: Behaviour
  readonly via: 'call' | 'wrap'
  readonly controller: AbortController | undefined
  state: 'queued' | 'running' | 'done' | 'cancelled'
}

/** The reference model: a FIFO queue, a shared limit that the latest call sets, jobs that finish later. */
class WorkersModel {
  readonly jobs: ModelJob[] = []
  readonly queue: ModelJob[] = []
  readonly running = new Set<ModelJob>()
  readonly started: number[] = []
  readonly waits: Op[] = []
  target = 1

  add(job: ModelJob, count: number): void {
    this.jobs.push(job)
    this.target = count
    this.queue.push(job)
    this.pump()
  }

  cancel(job: ModelJob, reason: unknown): void {
    this.queue.splice(this.queue.indexOf(job), 1)
    job.state = 'cancelled'
    job.op.rejectWith(same(reason))
  }

  finish(job: ModelJob, outcome: 'ok' | 'fail'): void {
    job.state = 'done'
    this.running.delete(job)
    if (outcome === 'ok') job.op.resolveWith(`result ${job.id}`)
    else job.op.rejectWith(same(failures.get(job.id)))
    this.pump()
  }

  wait(op: Op): void {
    if (this.running.size === 0 && this.queue.length === 0) op.resolveWith(undefined)
    else this.waits.push(op)
  }

  /** Starts queued jobs while below the limit; work that settles at once frees its slot a turn later. */
  private pump(): void {
    const settled: ModelJob[] = []
    for (;;) {
      while (this.running.size < this.target && this.queue.length > 0) {
        const job = this.queue.shift() as ModelJob
        job.state = 'running'
        this.running.add(job)
        this.started.push(job.id)
        if (job.behaviour !== 'later') settled.push(job)
      }
      const next = settled.shift()
      if (next === undefined) break
      next.state = 'done'
      this.running.delete(next)
      if (next.behaviour === 'value') next.op.resolveWith(`result ${next.id}`)
      else next.op.rejectWith(same(failures.get(next.id)))
    }
    if (this.running.size === 0) for (const op of this.waits.splice(0)) op.resolveWith(undefined)
  }
}

const failures = new Map<number, Error>()
function failureOf(id: number): Error {
  let failure = failures.get(id)
  if (failure === undefined) {
    failure = new Error(`job ${id} failed`)
    failures.set(id, failure)
  }
  return failure
}

interface RealJob {
  readonly id: number
  started: number
  signal: AbortSignal | undefined
  args: unknown[] | undefined
  settle: ((outcome: 'ok' | 'fail') => void) | undefined
}

interface Real {
  readonly workers: Workers
  readonly jobs: RealJob[]
  readonly started: number[]
  readonly waits: Op[]
  readonly signals: Signals
}

type Command = fc.AsyncCommand<WorkersModel, Real>

/** The work of job `id`: records its start and the context or arguments it received. */
function work(real: Real, job: RealJob, behaviour: Behaviour) {
  return (first: unknown, ...rest: unknown[]): unknown => {
    job.started++
    real.started.push(job.id)
    if (job.args !== undefined) job.args = [first, ...rest]
    else job.signal = (first as { signal: AbortSignal }).signal
    if (behaviour === 'value') return `result ${job.id}`
    if (behaviour === 'throw') throw failureOf(job.id)
    return new Promise((resolve, reject) => {
      job.settle = (outcome) => (outcome === 'ok' ? resolve(`result ${job.id}`) : reject(failureOf(job.id)))
    })
  }
}

class Call implements Command {
  constructor(
    readonly count: number,
    readonly behaviour: Behaviour,
    readonly via: 'call' | 'wrap',
    readonly mode: 'none' | 'signal' | 'aborted',
  ) {}
  check = () => true
  async run(model: WorkersModel, real: Real): Promise<void> {
    const id = model.jobs.length
    failureOf(id)
    const job: RealJob = {
      id,
      started: 0,
      signal: undefined,
      args: this.via === 'wrap' ? [] : undefined,
      settle: undefined,
    }
    real.jobs.push(job)
    const fn = work(real, job, this.behaviour)
    const controller = this.via === 'call' && this.mode !== 'none' ? real.signals.controller() : undefined
    if (this.mode === 'aborted') controller?.abort(new Error('aborted before the call'))
    const args: [number, { marker: number }, undefined] = [id, { marker: id }, undefined]
    const op = new Op(`job ${id} (${this.via}, ${this.behaviour})`, () =>
      this.via === 'wrap'
        ? real.workers.wrap(this.count, fn)(...args)
        : real.workers.call(this.count, fn, controller && { signal: controller.signal }),
    )
    const m: ModelJob = { id, op, behaviour: this.behaviour, via: this.via, controller, state: 'queued' }
    if (controller?.signal.aborted) {
      m.state = 'cancelled'
      model.jobs.push(m)
      op.rejectWith(same(controller.signal.reason))
      return
    }
    model.add(m, this.count)
  }
  toString = () => `${this.via}(${this.count}, ${this.behaviour}, ${this.mode})`
}

class Finish implements Command {
  constructor(
    readonly index: number,
    readonly outcome: 'ok' | 'fail',
  ) {}
  check = () => true
  async run(model: WorkersModel, real: Real): Promise<void> {
    const running = [...model.running].filter((j) => j.behaviour === 'later')
    if (running.length === 0) return
    const job = running[this.index % running.length] as ModelJob
    real.jobs[job.id]?.settle?.(this.outcome)
    model.finish(job, this.outcome)
  }
  toString = () => `finish(${this.index}, ${this.outcome})`
}

class Abort implements Command {
  constructor(readonly index: number) {}
  check = () => true
  async run(model: WorkersModel): Promise<void> {
    const live = model.jobs.filter((j) => j.controller && (j.state === 'queued' || j.state === 'running'))
    if (live.length === 0) return
    const job = live[this.index % live.length] as ModelJob
    const reason = new Error(`job ${job.id} aborted`)
    job.controller?.abort(reason)
    // A queued job leaves the queue; a running one only sees its signal abort and settles as its work does.
    if (job.state === 'queued') model.cancel(job, reason)
  }
  toString = () => `abort(${this.index})`
}

class Wait implements Command {
  check = () => true
  async run(model: WorkersModel, real: Real): Promise<void> {
    const op = new Op(`wait() #${real.waits.length}`, () => real.workers.wait())
    real.waits.push(op)
    model.wait(op)
  }
  toString = () => 'wait()'
}

function compare(model: WorkersModel, real: Real): void {
  for (const job of model.jobs) job.op.verify()
  for (const op of real.waits) op.verify()
  expect(real.started, 'jobs start in FIFO order, each once').toStrictEqual(model.started)
  expect(real.workers.count, 'count: jobs running').toBe(model.running.size)
  expect(real.workers.pending, 'pending: jobs queued').toBe(model.queue.length)
  for (const job of model.jobs) {
    const r = real.jobs[job.id] as RealJob
    if (job.state === 'queued' || job.state === 'cancelled') {
      expect(r.started, `job ${job.id} never started`).toBe(0)
      continue
    }
    if (job.via === 'wrap') {
      expect(r.args, 'wrap passes the arguments through unchanged').toStrictEqual([
        job.id,
        { marker: job.id },
        undefined,
      ])
    } else if (job.controller) {
      expect(r.signal, 'the work receives the caller’s signal').toBe(job.controller.signal)
    } else {
      expect(r.signal).toBeInstanceOf(AbortSignal)
      expect(r.signal?.aborted).toBe(false)
    }
  }
  expect(real.signals.live, 'a listener only while a job with a signal is queued').toBe(
    model.queue.filter((j) => j.controller !== undefined).length,
  )
}

const commands = fc.commands<WorkersModel, Real>(
  weighted<Command>(
    [
      10,
      fc
        .tuple(
          fc.integer({ min: 1, max: 3 }),
          fc.constantFrom<Behaviour>('value', 'throw', 'later', 'later'),
          fc.constantFrom<'call' | 'wrap'>('call', 'call', 'wrap'),
          fc.constantFrom<'none' | 'signal' | 'aborted'>('none', 'signal', 'signal', 'aborted'),
        )
        .map(([count, behaviour, via, mode]) => new Call(count, behaviour, via, mode)),
    ],
    [5, fc.tuple(fc.nat(), fc.constantFrom<'ok' | 'fail'>('ok', 'fail')).map(([i, o]) => new Finish(i, o))],
    [5, fc.tuple(fc.nat(), fc.constantFrom<'ok' | 'fail'>('ok', 'fail')).map(([i, o]) => new Finish(i, o))],
    [3, fc.nat().map((i) => new Abort(i))],
    [2, fc.constant(new Wait())],
  ),
  COMMANDS,
)

describe('Workers against its reference model', () => {
  it(`agrees on start order, limits, results, aborts and wait() (${runs(50)} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const model = new WorkersModel()
        const real: Real = {
          workers: new Workers(),
          jobs: [],
          started: [],
          waits: [],
          signals: new Signals(),
        }
        await fc.asyncModelRun(
          () => ({ model, real }),
          (function* () {
            for (const cmd of cmds) {
              yield {
                check: (m: Readonly<WorkersModel>) => cmd.check(m),
                run: async (m: WorkersModel, r: Real) => {
                  await cmd.run(m, r)
                  await settle()
                  compare(m, r)
                },
                toString: () => cmd.toString(),
              }
            }
          })(),
        )
        // Finishing every running job drains the queue; then the pool is idle.
        for (let i = 0; i < 200 && model.running.size > 0; i++) {
          const job = [...model.running][0] as ModelJob
          real.jobs[job.id]?.settle?.('ok')
          model.finish(job, 'ok')
          await settle()
        }
        compare(model, real)
        expect(real.workers.count + real.workers.pending).toBe(0)
        expect(real.signals.live).toBe(0)
      }),
      { numRuns: runs(50) },
    )
  })
})
