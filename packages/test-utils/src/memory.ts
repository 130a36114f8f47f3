import { nextTurn } from './time.js'

// Node's own APIs, typed here so that packages' type checks need no Node types.
interface NodeProcess {
  memoryUsage(): { heapUsed: number }
}
interface NodeV8 {
  setFlagsFromString(flags: string): void
}
interface NodeVm {
  runInNewContext(code: string): unknown
}
const nodeProcess = (globalThis as unknown as { process: NodeProcess }).process

/**
 * Node's `gc()`: the global one where the process runs with `--expose-gc` (the shared vitest config
 * passes it), else one made available at run time.
 */
async function collector(): Promise<() => void> {
  const exposed = (globalThis as { gc?: () => void }).gc
  if (typeof exposed === 'function') return exposed
  const v8Module = 'node:v8'
  const vmModule = 'node:vm'
  const v8 = (await import(/* @vite-ignore */ v8Module)) as NodeV8
  const vm = (await import(/* @vite-ignore */ vmModule)) as NodeVm
  v8.setFlagsFromString('--expose-gc')
  return vm.runInNewContext('gc') as () => void
}

/** Runs a full garbage collection now. */
export const gc: () => void = await collector()

/** Heap in use now, in bytes (without collecting first: see {@link heapAfterGc}). */
export function heapUsed(): number {
  return nodeProcess.memoryUsage().heapUsed
}

/**
 * Heap in use after full collections, in bytes. Each of the `rounds` first yields a turn of the event
 * loop (a WeakRef keeps its target alive until the current job ends, and pending reactions hold
 * memory), then collects.
 */
export async function heapAfterGc(rounds = 3): Promise<number> {
  for (let i = 0; i < rounds; i++) {
    await nextTurn()
    gc()
  }
  return heapUsed()
}

/** Whether the target of `ref` is collected within a few rounds of turns and collections. */
export async function collected(ref: WeakRef<object>, rounds = 10): Promise<boolean> {
  for (let i = 0; i < rounds; i++) {
    await nextTurn()
    gc()
    if (ref.deref() === undefined) return true
  }
  return false
}
