import { describe, expect, it } from 'vitest'
import { main } from '../src/go-side-by-side.mjs'
import { capture } from './capture.ts'

describe('go-side-by-side example', () => {
  it('runs the TypeScript half of each Go program with the same outcome', async () => {
    const { lines, log } = capture()
    expect(await main(log)).toEqual([
      'consumer 1: 0 a',
      'consumer 1: 1 b',
      'consumer 1: 2 c',
      'consumer 2: 0 a',
      'consumer 2: 1 b',
      'consumer 2: 2 c',
      '3 calls -> 1 render, every caller got "report #1"',
      '5 jobs, count 2 -> at most 2 at once, results 10 20 30 40 50',
    ])
    expect(lines).toHaveLength(8)
  })
})
