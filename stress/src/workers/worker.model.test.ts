import { type Release, Worker } from '@bigbuff/workers'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { COMMANDS, runs, weighted } from '../support/profile.js'
import { settle } from '../support/settle.js'

/** How a run's `fn` behaves: returns at once, throws, rejects later, or resolves later. */
type Behaviour = 'return' | 'throw' | 'later'

interface ModelRun {
  readonly id: number
  stopping: boolean
  settled: boolean
}

/**
 * The reference model, from SPEC: holders are counted; the first `do()` with no active run starts
 * its `fn`; the last release aborts `stop`, and the run stays active until `fn` settles; a `do()`
 * while stopping queues its `fn` for right after; a run that settles while held stays active until
 * the last release; two runs never overlap.
 */
class WorkerModel {
  holders = 0
  run: ModelRun | undefined
  next: { id: number; behaviour: Behaviour } | undefined
  readonly started: number[] = []
  readonly released = new Set<number>()

  do(id: number, behaviour: Behaviour): void {
    this.holders++
    if (this.run === undefined) this.begin(id, behaviour)
    else if (this.run.stopping) this.next ??= { id, behaviour }
  }

  release(handle: number): void {
    if (this.released.has(handle)) return
    this.released.add(handle)
    if (--this.holders > 0) return
    const run = this.run as ModelRun
    if (run.stopping) {
      this.next = undefined
      return
    }
    run.stopping = true
    if (run.settled) this.run = undefined
  }

  /** The active run's `fn` settled. */
  settle(): void {
    const run = this.run as ModelRun
    run.settled = true
    if (!run.stopping) return
    this.run = undefined
    const next = this.next
    this.next = undefined
    if (next && this.holders > 0) this.begin(next.id, next.behaviour)
  }

  private begin(id: number, behaviour: Behaviour): void {
    this.run = { id, stopping: false, settled: false }
    this.started.push(id)
    if (behaviour !== 'later') this.settle()
  }
}

interface RealRun {
  readonly id: number
  stop: AbortSignal | undefined
  finish: (() => void) | undefined
}

interface Real {
  readonly worker: Worker
  readonly releases: Release[]
  readonly runs: RealRun[]
  readonly started: number[]
  /** Runs whose fn started and has not settled: never more than one. */
  live: number
  overlaps: number
}

type Command = fc.AsyncCommand<WorkerModel, Real>

class Do implements Command {
  constructor(readonly behaviour: Behaviour) {}
  check = () => true
  async run(model: WorkerModel, real: Real): Promise<void> {
    const id = real.releases.length
    const run: RealRun = { id, stop: undefined, finish: undefined }
    real.runs.push(run)
    const behaviour = this.behaviour
    const release = real.worker.do((stop) => {
      real.started.push(id)
      run.stop = stop
      if (++real.live > 1) real.overlaps++
      if (behaviour === 'return') {
        real.live--
        return
      }
      if (behaviour === 'throw') {
        real.live--
        throw new Error(`run ${id} threw`)
      }
      return new Promise<void>((resolve, reject) => {
        run.finish = () => {
          real.live--
          if (id % 2 === 0) resolve()
          else reject(new Error(`run ${id} rejected`))
        }
      })
    })
    expect(typeof release).toBe('function')
    expect(release[Symbol.dispose]).toBeTypeOf('function')
    real.releases.push(release)
    model.do(id, behaviour)
  }
  toString = () => `do(${this.behaviour})`
}

class Release_ implements Command {
  constructor(
    readonly index: number,
    readonly via: 'call' | 'dispose',
  ) {}
  check = () => true
  async run(model: WorkerModel, real: Real): Promise<void> {
    if (real.releases.length === 0) return
    const handle = this.index % real.releases.length
    const release = real.releases[handle] as Release
    if (this.via === 'dispose') release[Symbol.dispose]()
    else release()
    model.release(handle)
  }
  toString = () => `release(${this.index}, ${this.via})`
}

class Settle implements Command {
  check = () => true
  async run(model: WorkerModel, real: Real): Promise<void> {
    const run = model.run
    if (run === undefined || run.settled) return
    real.runs[run.id]?.finish?.()
    model.settle()
  }
  toString = () => 'settle the active run'
}

function compare(model: WorkerModel, real: Real): void {
  expect(real.started, 'which fns started, in order').toStrictEqual(model.started)
  expect(real.worker.active, 'active').toBe(model.run !== undefined)
  expect(real.overlaps, 'two runs never overlap').toBe(0)
  if (model.run !== undefined) {
    expect(real.runs[model.run.id]?.stop?.aborted, 'stop aborts once the last holder released').toBe(
      model.run.stopping,
    )
  }
}

const commands = fc.commands<WorkerModel, Real>(
  weighted<Command>(
    [6, fc.constantFrom<Behaviour>('return', 'throw', 'later', 'later').map((b) => new Do(b))],
    [
      5,
      fc
        .tuple(fc.nat(), fc.constantFrom<'call' | 'dispose'>('call', 'dispose'))
        .map(([i, via]) => new Release_(i, via)),
    ],
    [
      5,
      fc
        .tuple(fc.nat(), fc.constantFrom<'call' | 'dispose'>('call', 'dispose'))
        .map(([i, via]) => new Release_(i, via)),
    ],
    [4, fc.constant(new Settle())],
  ),
  COMMANDS,
)

describe('Worker against its reference model', () => {
  it(`agrees on which fn runs, when stop aborts and when it is active (${runs(50)} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const model = new WorkerModel()
        const real: Real = { worker: new Worker(), releases: [], runs: [], started: [], live: 0, overlaps: 0 }
        await fc.asyncModelRun(
          () => ({ model, real }),
          (function* () {
            for (const cmd of cmds) {
              yield {
                check: (m: Readonly<WorkerModel>) => cmd.check(m),
                run: async (m: WorkerModel, r: Real) => {
                  await cmd.run(m, r)
                  await settle()
                  compare(m, r)
                },
                toString: () => cmd.toString(),
              }
            }
          })(),
        )
        // Releasing every holder and settling the run leaves the worker inactive.
        for (const [i, release] of real.releases.entries()) {
          release()
          model.release(i)
        }
        for (let i = 0; i < 5 && model.run !== undefined; i++) {
          real.runs[model.run.id]?.finish?.()
          model.settle()
          await settle()
        }
        compare(model, real)
        expect(real.worker.active).toBe(false)
      }),
      { numRuns: runs(50) },
    )
  })
})
