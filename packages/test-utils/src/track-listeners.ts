type ListenerArgs = Parameters<AbortSignal['addEventListener']>

/**
 * Instruments `signal` and counts the `abort` listeners currently registered on it, so a test can
 * assert that an operation removed every listener it added.
 */
export function trackListeners(signal: AbortSignal): { readonly live: number } {
  const live = new Set<unknown>()
  const add = signal.addEventListener
  const remove = signal.removeEventListener
  signal.addEventListener = function (this: AbortSignal, ...args: ListenerArgs) {
    if (args[0] === 'abort') live.add(args[1])
    add.apply(this, args)
  }
  signal.removeEventListener = function (this: AbortSignal, ...args: ListenerArgs) {
    if (args[0] === 'abort') live.delete(args[1])
    remove.apply(this, args)
  }
  return {
    get live() {
      return live.size
    },
  }
}
