import { describe, expect, it } from 'vitest'
import * as symbols from './dispose.js'

describe('dispose symbols injected into builds', () => {
  it('are the well-known symbols where the runtime has them', () => {
    const named = symbols as unknown as Record<string, symbol>
    expect(named['Symbol.asyncDispose']).toBe(Symbol.asyncDispose)
    expect(named['Symbol.dispose']).toBe(Symbol.dispose)
  })
})
