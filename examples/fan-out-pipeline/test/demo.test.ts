import { describe, expect, it } from 'vitest'
// @ts-expect-error the demo is plain JavaScript
import { main } from '../src/main.mjs'

function sink(isTTY: boolean) {
  const chunks: string[] = []
  return { isTTY, chunks, write: (chunk: string) => chunks.push(chunk) }
}

describe('fan-out-pipeline demo', () => {
  it('delivers every event to every consumer, de-duplicates alerts and ends with a summary', async () => {
    const stream = sink(false)
    const result = await main(['--events', '4000'], stream)
    const total = 4000 + 3 * 200
    expect(result.total).toBe(total)
    for (const name of ['indexer', 'alerter', 'archiver']) expect(result.stages[name].processed).toBe(total)
    const byService = [...result.stages.indexer.byService.values()] as { events: number; errors: number }[]
    expect(byService.reduce((sum, counts) => sum + counts.events, 0)).toBe(total)
    const errors = byService.reduce((sum, counts) => sum + counts.errors, 0)
    expect(result.stages.alerter.errors).toBe(errors)
    expect(result.stages.alerter.alertsSent).toBeGreaterThan(0)
    expect(result.stages.alerter.alertsSent).toBeLessThan(errors)
    expect(result.stages.archiver.chunks).toBe(Math.ceil(total / 1000))
    const output = stream.chunks.join('')
    expect(output).toMatch(/\| consumer +\| events +\|/)
    expect(output).toContain(`${total} events (4000 main + 600 fan-in)`)
    expect(output).not.toContain('\x1b[')
  })

  it('redraws progress in place on a terminal', async () => {
    const stream = sink(true)
    await main(['--events', '1000'], stream)
    expect(stream.chunks.join('')).toContain('\x1b[2K')
  })

  it('explains its flags with --help and rejects a bad --events', async () => {
    const stream = sink(false)
    expect(await main(['--help'], stream)).toBeUndefined()
    expect(stream.chunks.join('')).toContain('--events N')
    await expect(main(['--events=-3'], stream)).rejects.toThrow(
      new RangeError('Cannot run the demo: --events must be a positive integer, received -3'),
    )
    await expect(main(['--events', 'many'], stream)).rejects.toThrow(/received many/)
  })
})
