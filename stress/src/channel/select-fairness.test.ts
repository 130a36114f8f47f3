import { Chan, receiveCase, select, sendCase, trySelect } from '@bigbuff/channel'
import { describe, expect, it } from 'vitest'
import { FULL } from '../support/profile.js'

// Each count is Binomial(n, 1/k): 6 standard deviations either side of n/k leave a false failure at
// odds of about one in a billion.
function expectUniform(counts: readonly number[], trials: number): void {
  const p = 1 / counts.length
  const sigma = Math.sqrt(trials * p * (1 - p))
  for (const count of counts) expect(Math.abs(count - trials * p)).toBeLessThan(6 * sigma)
}

describe('select chooses uniformly among ready cases', () => {
  const trials = FULL ? 60_000 : 6_000

  it(`select() and trySelect() pick each of 3 ready cases about a third of the time (${trials} trials each)`, async () => {
    const chans = [
      new Chan<number>(Number.POSITIVE_INFINITY),
      new Chan<number>(1),
      new Chan<number>(Number.POSITIVE_INFINITY),
    ]
    const cases = [
      receiveCase(chans[0] as Chan<number>),
      sendCase(chans[1] as Chan<number>, 1),
      receiveCase(chans[2] as Chan<number>),
    ]
    for (const attempt of [(c: typeof cases) => select(c), async (c: typeof cases) => trySelect(c)]) {
      const counts = [0, 0, 0]
      for (let i = 0; i < trials; i++) {
        // Keep every case ready: a value to receive on 0 and 2, room to send on 1.
        while ((chans[0] as Chan<number>).size < 1) (chans[0] as Chan<number>).trySend(0)
        while ((chans[2] as Chan<number>).size < 1) (chans[2] as Chan<number>).trySend(2)
        ;(chans[1] as Chan<number>).tryReceive()
        const result = await attempt(cases)
        const index = result?.index as number
        counts[index] = (counts[index] ?? 0) + 1
      }
      expectUniform(counts, trials)
    }
  })

  it('a receive case on a closed channel is always ready with ok false; a send case on one rejects ClosedError', async () => {
    const closed = new Chan<number>()
    closed.close()
    const idle = new Chan<number>()
    const counts = [0, 0]
    for (let i = 0; i < trials; i++) {
      const result = await select([receiveCase(idle), receiveCase(closed)])
      counts[result.index] = (counts[result.index] ?? 0) + 1
      expect(result).toEqual({ index: 1, value: undefined, ok: false })
    }
    expect(counts).toEqual([0, trials])
    await expect(select([sendCase(closed, 1)])).rejects.toMatchObject({ code: 'ERR_BIGBUFF_CLOSED' })
  })
})
