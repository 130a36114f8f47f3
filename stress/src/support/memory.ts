/// <reference types="node" />
import { expect } from 'vitest'
import { turn } from './settle.js'

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc
  expect(collect, 'tests run with node --expose-gc (scripts/vitest-shared.ts)').toBeTypeOf('function')
  collect?.()
}

/**
 * Whether the target of `ref` is collected after a few rounds of garbage collection. A WeakRef keeps
 * its target alive until the current job ends, so each round first yields to the event loop.
 */
export async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 10; i++) {
    await turn()
    gc()
    if (ref.deref() === undefined) return true
  }
  return false
}

/** Heap in use after full collections, in bytes. */
export async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    await turn()
    gc()
  }
  return process.memoryUsage().heapUsed
}

/** Bytes as a short human figure. */
export function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`
}
