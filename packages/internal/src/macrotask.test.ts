import { afterEach, describe, expect, it, vi } from 'vitest'

type MacrotaskModule = typeof import('./macrotask.js')

/** A fresh copy of the module, so it captures the globals as they are now. */
async function load(): Promise<MacrotaskModule> {
  vi.resetModules()
  return import('./macrotask.js')
}

/** Calls pause() until it asks for a turn; returns how many calls that took. */
function callsUntilTurn(module: MacrotaskModule, limit: number): number {
  for (let i = 1; i <= limit; i++) if (module.pause() !== undefined) return i
  return -1
}

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('pause()', () => {
  it('pause() asks for a turn after SLICE_OPERATIONS operations when the clock is frozen', async () => {
    vi.useFakeTimers({ toFake: ['performance', 'Date'] })
    const module = await load()
    expect(callsUntilTurn(module, module.SLICE_OPERATIONS * 2)).toBe(module.SLICE_OPERATIONS)
  })

  it('pause() hands every operation the same turn until the event loop has run', async () => {
    vi.useFakeTimers({ toFake: ['performance', 'Date'] })
    const module = await load()
    callsUntilTurn(module, module.SLICE_OPERATIONS)
    const turn = module.pause()
    expect(turn).toBeInstanceOf(Promise)
    expect(module.pause()).toBe(turn)
    await turn
    expect(module.pause()).toBeUndefined()
    expect(callsUntilTurn(module, module.SLICE_OPERATIONS * 2)).toBe(module.SLICE_OPERATIONS - 1)
  })

  it('resolveSoon() resolves with the value now, or only after the turn the event loop is due', async () => {
    vi.useFakeTimers({ toFake: ['performance', 'Date'] })
    const module = await load()
    expect(await module.resolveSoon('now')).toBe('now')
    callsUntilTurn(module, module.SLICE_OPERATIONS)
    const turn = module.pause() as Promise<void>
    let turned = false
    void turn.then(() => {
      turned = true
    })
    const later = module.resolveSoon('later')
    expect(await later).toBe('later')
    expect(turned).toBe(true)
  })

  it('pause() asks for a turn once a slice of SLICE_MS has passed', async () => {
    vi.useFakeTimers({ toFake: ['performance', 'Date'] })
    const module = await load()
    expect(callsUntilTurn(module, 100)).toBe(-1)
    vi.advanceTimersByTime(module.SLICE_MS)
    // The clock is read every 128 operations: the 128th call is the 28th of this batch.
    expect(callsUntilTurn(module, 100)).toBe(28)
  })

  it('pause() falls back to Date.now() without performance', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.stubGlobal('performance', undefined)
    const module = await load()
    expect(callsUntilTurn(module, 100)).toBe(-1)
    vi.advanceTimersByTime(module.SLICE_MS)
    expect(callsUntilTurn(module, 100)).toBe(28)
  })

  it('pause() turns through the setTimeout captured at load when MessageChannel is missing', async () => {
    vi.stubGlobal('setImmediate', undefined)
    vi.stubGlobal('MessageChannel', undefined)
    const module = await load()
    vi.useFakeTimers({ toFake: ['performance', 'Date', 'setTimeout'] })
    callsUntilTurn(module, module.SLICE_OPERATIONS)
    const turn = module.pause() as Promise<void>
    // The captured setTimeout is the real one: the faked global is never used.
    expect(vi.getTimerCount()).toBe(0)
    await turn
    expect(module.pause()).toBeUndefined()
  })

  it('pause() still gets its turn from the captured setTimeout when MessageChannel never delivers', async () => {
    const posted = vi.fn()
    class SilentChannel {
      readonly port1 = { onmessage: null, postMessage: posted }
      readonly port2 = { onmessage: null, postMessage: posted }
    }
    vi.stubGlobal('setImmediate', undefined)
    vi.stubGlobal('MessageChannel', SilentChannel)
    vi.useFakeTimers({ toFake: ['performance', 'Date'] })
    const module = await load()
    callsUntilTurn(module, module.SLICE_OPERATIONS)
    await module.pause()
    expect(posted).toHaveBeenCalledOnce()
    expect(module.pause()).toBeUndefined()
  })

  it('a turn ended by its message clears its backup timer', async () => {
    vi.stubGlobal('setImmediate', undefined)
    const set = vi.spyOn(globalThis, 'setTimeout')
    const clear = vi.spyOn(globalThis, 'clearTimeout')
    vi.useFakeTimers({ toFake: ['performance', 'Date'] })
    const module = await load()
    const before = set.mock.calls.length
    callsUntilTurn(module, module.SLICE_OPERATIONS)
    // The turn armed its backup timer synchronously, when it started.
    const backup: unknown = set.mock.results[before]?.value
    expect(backup).toBeDefined()
    await module.pause()
    expect(clear).toHaveBeenCalledWith(backup)
    set.mockRestore()
    clear.mockRestore()
  })

  it('where setImmediate exists (Node.js), a due timer runs within two turns of a tight loop', async () => {
    const module = await load()
    let fired = false
    setTimeout(() => {
      fired = true
    }, 0)
    const start = performance.now()
    while (performance.now() - start < 5) {
      // The timer is due: a loop that never yields would starve it.
    }
    for (let turns = 0; turns < 2 && !fired; turns++) {
      expect(callsUntilTurn(module, module.SLICE_OPERATIONS)).toBeGreaterThan(0)
      await module.pause()
    }
    expect(fired).toBe(true)
  })

  it('a turn through the captured setImmediate ignores the faked one', async () => {
    const module = await load()
    vi.useFakeTimers({ toFake: ['performance', 'Date', 'setTimeout', 'setImmediate'] })
    callsUntilTurn(module, module.SLICE_OPERATIONS)
    const turn = module.pause() as Promise<void>
    expect(vi.getTimerCount()).toBe(0)
    await turn
    expect(module.pause()).toBeUndefined()
  })
})
