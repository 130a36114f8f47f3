import { type Op, same } from '@bigbuff/test-utils'

/** What a work function does when it runs: returns, throws, or settles when the test says. */
export type Behaviour = 'value' | 'throw' | 'later'

export interface ModelWork {
  readonly id: number
  readonly behaviour: Behaviour
}

/** A `call()` (with its op) or a `start()` (without) that joined a batch. */
export interface ModelCaller {
  readonly op: Op | undefined
  readonly controller: AbortController | undefined
  readonly batch: ModelBatch
  aborted: boolean
}

export interface ModelBatch {
  readonly key: unknown
  readonly callers: ModelCaller[]
  starts: number
  work: ModelWork
  wait: number
  rateLimit: number
  first: number | undefined
  scheduled: boolean
  started: boolean
  settled: boolean
  /** Every caller left after the run started: its context signal aborts with this reason. */
  abandoned: { reason: unknown } | undefined
}

interface ModelKey {
  run: ModelBatch | undefined
  batch: ModelBatch | undefined
  holdUntil: number
  /** The key's one timer: when its next batch begins, or when its state is dropped after a hold. */
  timer: { at: number; kind: 'begin' | 'drop' } | undefined
}

/**
 * The reference model of Exclusive, from SPEC: per key, a run in progress and at most one open batch;
 * calls join the open batch; it starts in a microtask, or after its wait (counted from its first
 * call) and the key's rate-limit hold; last writer wins; every caller shares the outcome; a key's
 * state is dropped when nothing runs, waits or holds. Time is the fake clock, in milliseconds.
 */
export class ExclusiveModel {
  readonly keys = new Map<unknown, ModelKey>()
  now = 0
  /** Begins and settles due in the current microtask checkpoint, in order. */
  readonly #micro: (() => void)[] = []
  /** Which work ran for each key, in order. */
  readonly started = new Map<unknown, number[]>()
  /** `onError` calls expected: the error (by work id) and the key. */
  readonly errors: { work: number; key: unknown }[] = []
  readonly failures: (id: number) => Error

  constructor(failures: (id: number) => Error) {
    this.failures = failures
  }

  get size(): number {
    return this.keys.size
  }

  running(key: unknown): boolean {
    return this.keys.get(key)?.run !== undefined
  }

  /** The batch currently running for `key`. */
  run(key: unknown): ModelBatch | undefined {
    return this.keys.get(key)?.run
  }

  get timers(): number {
    let count = 0
    for (const state of this.keys.values()) if (state.timer !== undefined) count++
    return count
  }

  join(key: unknown, work: ModelWork, wait: number, rateLimit: number): ModelBatch {
    let state = this.keys.get(key)
    if (state === undefined) {
      state = { run: undefined, batch: undefined, holdUntil: 0, timer: undefined }
      this.keys.set(key, state)
    }
    let batch = state.batch
    if (batch === undefined) {
      batch = {
        key,
        callers: [],
        starts: 0,
        work,
        wait,
        rateLimit,
        first: undefined,
        scheduled: false,
        started: false,
        settled: false,
        abandoned: undefined,
      }
      state.batch = batch
      if (state.run === undefined) this.#schedule(state, batch)
      else batch.first = this.now
    } else if (!batch.scheduled) {
      batch.wait = wait
    }
    batch.work = work
    batch.rateLimit = rateLimit
    return batch
  }

  /** A caller whose signal aborted leaves its batch at once. */
  abort(caller: ModelCaller, reason: unknown): void {
    caller.aborted = true
    caller.op?.rejectWith(same(reason))
    const batch = caller.batch
    if (batch.starts > 0 || batch.callers.some((c) => !c.aborted)) return
    if (!batch.started) this.#cancel(this.keys.get(batch.key) as ModelKey)
    else batch.abandoned = { reason }
  }

  /** The running work of `key` (behaviour 'later') settles. */
  finish(key: unknown, ok: boolean): void {
    const state = this.keys.get(key) as ModelKey
    const batch = state.run as ModelBatch
    this.#micro.push(() => this.#settle(state, batch, ok))
    this.flush()
  }

  /** Runs what is due in the current microtask checkpoint. */
  flush(): void {
    for (let task = this.#micro.shift(); task !== undefined; task = this.#micro.shift()) task()
  }

  /** Moves the clock, firing each key's timer when due, as fake timers do. */
  advance(ms: number): void {
    const until = this.now + ms
    for (;;) {
      let next: ModelKey | undefined
      for (const state of this.keys.values()) {
        if (
          state.timer !== undefined &&
          state.timer.at <= until &&
          (next === undefined || state.timer.at < (next.timer?.at ?? 0))
        )
          next = state
      }
      if (next === undefined) break
      const timer = next.timer as NonNullable<ModelKey['timer']>
      this.now = timer.at
      next.timer = undefined
      if (timer.kind === 'drop') this.#drop(next)
      else this.#begin(next, next.batch as ModelBatch)
      this.flush()
    }
    this.now = until
  }

  #schedule(state: ModelKey, batch: ModelBatch): void {
    batch.scheduled = true
    const at = Math.max((batch.first ?? this.now) + batch.wait, state.holdUntil)
    state.timer = undefined
    if (at > this.now) state.timer = { at, kind: 'begin' }
    else this.#micro.push(() => this.#begin(state, batch))
  }

  #begin(state: ModelKey, batch: ModelBatch): void {
    if (state.batch !== batch) return
    state.timer = undefined
    state.batch = undefined
    state.run = batch
    batch.started = true
    state.holdUntil = batch.rateLimit > 0 ? this.now + batch.rateLimit : 0
    const log = this.started.get(batch.key) ?? []
    log.push(batch.work.id)
    this.started.set(batch.key, log)
    if (batch.work.behaviour !== 'later') {
      const ok = batch.work.behaviour === 'value'
      this.#micro.push(() => this.#settle(state, batch, ok))
    }
  }

  #settle(state: ModelKey, batch: ModelBatch, ok: boolean): void {
    state.run = undefined
    batch.settled = true
    let received = false
    for (const caller of batch.callers) {
      if (caller.aborted) continue
      received = true
      if (ok) caller.op?.resolveWith(`value ${batch.work.id}`)
      else caller.op?.rejectWith(same(this.failures(batch.work.id)))
    }
    if (!received && !ok) this.errors.push({ work: batch.work.id, key: batch.key })
    if (state.batch) this.#schedule(state, state.batch)
    else this.#idle(state)
  }

  #cancel(state: ModelKey): void {
    state.batch = undefined
    if (state.run === undefined) {
      state.timer = undefined
      this.#idle(state)
    }
  }

  #idle(state: ModelKey): void {
    if (state.holdUntil > this.now) state.timer = { at: state.holdUntil, kind: 'drop' }
    else this.#drop(state)
  }

  #drop(state: ModelKey): void {
    state.timer = undefined
    for (const [key, s] of this.keys) if (s === state) this.keys.delete(key)
  }
}
