import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ChunkedLog } from './chunked-log.js'

describe('ChunkedLog', () => {
  it('matches an array model under random appends and front drops across chunk boundaries', () => {
    const step = fc.oneof(
      fc.record({ push: fc.integer({ min: 1, max: 3000 }) }),
      fc.record({ drop: fc.double({ min: 0, max: 1, noNaN: true }) }),
    )
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
        const log = new ChunkedLog<number>()
        let model: number[] = []
        let next = 0
        let dropped = 0
        for (const s of steps) {
          if ('push' in s) {
            for (let i = 0; i < s.push; i++) {
              log.push(next)
              model.push(next++)
            }
          } else {
            const count = Math.floor(s.drop * model.length)
            log.drop(count)
            model = model.slice(count)
            dropped += count
          }
          expect(log.size).toBe(model.length)
          expect(log.start).toBe(dropped)
          expect(log.end).toBe(next)
        }
        expect(log.toArray()).toEqual(model)
        for (let offset = log.start; offset < log.end; offset += 97) expect(log.at(offset)).toBe(offset)
      }),
      { numRuns: 60 },
    )
  })

  it('dropping everything from a full last chunk lets appends continue', () => {
    const log = new ChunkedLog<number>()
    for (let i = 0; i < 2048; i++) log.push(i)
    log.drop(2048)
    expect(log.size).toBe(0)
    log.push(2048)
    expect(log.at(2048)).toBe(2048)
    expect(log.toArray()).toEqual([2048])
  })
})
