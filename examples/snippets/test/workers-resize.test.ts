import { describe, expect, it } from 'vitest'
import { main } from '../src/workers-resize.mjs'
import { capture } from './capture.ts'

describe('workers-resize example', () => {
  it('starts queued jobs when the count rises and lets running jobs finish when it falls', async () => {
    const { lines, log } = capture()
    const returned = await main(log)
    expect(returned).toEqual(lines)
    expect(lines).toEqual([
      '6 jobs, count 1:   1 running, 5 queued',
      '1 more, count 3:   3 running, 4 queued',
      '1 more, count 2:   3 running, 5 queued',
      'one finished:      2 running, 5 queued',
      'another finished:  2 running, 4 queued',
      'all finished:      0 running, 0 queued',
    ])
  })
})
