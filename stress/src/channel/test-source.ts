type Waiting =
  | { resolve: (result: IteratorResult<unknown>) => void; reject: (error: unknown) => void }
  | undefined

/**
 * An async iterator whose values, end and failure the test decides, one `next()` at a time; it
 * counts `return()` calls and refuses overlapping `next()` calls (a consumer must read one at a time).
 */
export class TestSource implements AsyncIterable<unknown>, AsyncIterator<unknown> {
  readonly #queue: unknown[] = []
  #waiting: Waiting
  #end: 'done' | { error: unknown } | undefined
  #returned = false
  returnCalls = 0
  overlapping = 0;

  [Symbol.asyncIterator](): AsyncIterator<unknown> {
    return this
  }

  next(): Promise<IteratorResult<unknown>> {
    if (this.#waiting !== undefined) this.overlapping++
    if (this.#returned) return Promise.resolve({ value: undefined, done: true })
    if (this.#queue.length > 0) return Promise.resolve({ value: this.#queue.shift(), done: false })
    const end = this.#end
    if (end === 'done') return Promise.resolve({ value: undefined, done: true })
    if (end !== undefined) {
      this.#end = 'done'
      return Promise.reject(end.error)
    }
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject }
    })
  }

  return(): Promise<IteratorResult<unknown>> {
    this.returnCalls++
    this.#returned = true
    this.#take()?.resolve({ value: undefined, done: true })
    return Promise.resolve({ value: undefined, done: true })
  }

  produce(value: unknown): void {
    if (this.#end !== undefined || this.#returned) return
    const waiting = this.#take()
    if (waiting) waiting.resolve({ value, done: false })
    else this.#queue.push(value)
  }

  finish(end: 'done' | { error: unknown }): void {
    if (this.#end !== undefined || this.#returned) return
    const waiting = this.#take()
    if (waiting === undefined) {
      this.#end = end
    } else if (end === 'done') {
      this.#end = end
      waiting.resolve({ value: undefined, done: true })
    } else {
      this.#end = 'done'
      waiting.reject(end.error)
    }
  }

  #take(): Waiting {
    const waiting = this.#waiting
    this.#waiting = undefined
    return waiting
  }
}
