/// <reference types="node" />
import { getEventListeners } from 'node:events'

/** The number of `abort` listeners registered on `signal` right now, as Node's EventTarget sees it. */
export function listeners(signal: AbortSignal): number {
  return getEventListeners(signal, 'abort').length
}

/** An AbortController that remembers every signal handed out, to check for leftover listeners. */
export class Signals {
  readonly #controllers: AbortController[] = []

  /** A fresh controller, tracked. */
  controller(): AbortController {
    const controller = new AbortController()
    this.#controllers.push(controller)
    return controller
  }

  /** An already aborted signal with a fresh reason, tracked. */
  aborted(reason: unknown = new Error('aborted before the call')): AbortSignal {
    const controller = this.controller()
    controller.abort(reason)
    return controller.signal
  }

  /** Total `abort` listeners still registered on any tracked signal that has not aborted. */
  get live(): number {
    let total = 0
    for (const controller of this.#controllers) total += listeners(controller.signal)
    return total
  }
}
