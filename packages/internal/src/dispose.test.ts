import { afterEach, describe, expect, it, vi } from 'vitest'
import * as symbols from './dispose.js'

/** A `Symbol` like the global one, without the dispose symbols (runtimes before they existed). */
function symbolWithoutDispose(): SymbolConstructor {
  const real = Symbol
  const fake = ((description?: string | number) => real(description)) as unknown as Record<string, unknown>
  for (const key of Reflect.ownKeys(real)) {
    if (
      key === 'dispose' ||
      key === 'asyncDispose' ||
      key === 'prototype' ||
      key === 'length' ||
      key === 'name'
    )
      continue
    fake[key as string] = (real as unknown as Record<string | symbol, unknown>)[key]
  }
  return fake as unknown as SymbolConstructor
}

describe('dispose symbols injected into builds', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.resetModules()
  })

  it('are the well-known symbols where the runtime has them', () => {
    const named = symbols as unknown as Record<string, symbol>
    expect(named['Symbol.asyncDispose']).toBe(Symbol.asyncDispose)
    expect(named['Symbol.dispose']).toBe(Symbol.dispose)
  })

  it("fall back to the registered symbols TypeScript's and esbuild's helpers use where the runtime lacks them", async () => {
    const fake = symbolWithoutDispose()
    expect(fake.dispose).toBeUndefined()
    expect(fake.for('Symbol.dispose')).toBe(Symbol.for('Symbol.dispose'))
    vi.stubGlobal('Symbol', fake)
    vi.resetModules()
    const fresh = (await import('./dispose.js')) as unknown as Record<string, symbol>
    vi.unstubAllGlobals()
    expect(fresh['Symbol.dispose']).toBe(Symbol.for('Symbol.dispose'))
    expect(fresh['Symbol.asyncDispose']).toBe(Symbol.for('Symbol.asyncDispose'))
    expect(fresh['Symbol.dispose']).not.toBe(Symbol.dispose)
  })
})
