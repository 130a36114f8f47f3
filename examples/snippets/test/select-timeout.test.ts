import { describe, expect, it } from 'vitest'
import { main } from '../src/select-timeout.mjs'
import { capture } from './capture.ts'

describe('select-timeout example', () => {
  it('receives in time, times out with a timer case or a signal, and leaves the late value in place', async () => {
    const { lines, log } = capture()
    expect(await main(log)).toEqual([
      'received pong',
      'timed out',
      'timed out',
      'received late',
      'channel closed',
    ])
    expect(lines[0]).toBe('reply after 5 ms, timeout 1000 ms: received pong')
    expect(lines[2]).toBe('reply after 100 ms, signal 20 ms:  timed out')
  })
})
