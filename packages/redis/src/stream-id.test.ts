import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareIds } from './stream-id.js'

describe('compareIds()', () => {
  it('orders ids by milliseconds, then sequence, numerically', () => {
    expect(compareIds('10-0', '9-5')).toBeGreaterThan(0)
    expect(compareIds('9-10', '9-9')).toBeGreaterThan(0)
    expect(compareIds('9-9', '9-10')).toBeLessThan(0)
    expect(compareIds('7-3', '7-3')).toBe(0)
  })

  it('agrees with comparing the two parts as 64-bit integers', () => {
    const part = fc.oneof(fc.bigInt({ min: 0n, max: 12n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }))
    fc.assert(
      fc.property(part, part, part, part, (msA, seqA, msB, seqB) => {
        const expected = msA === msB ? Math.sign(Number(seqA - seqB)) : Math.sign(Number(msA - msB))
        expect(Math.sign(compareIds(`${msA}-${seqA}`, `${msB}-${seqB}`))).toBe(expected)
      }),
      { numRuns: 200 },
    )
  })
})
