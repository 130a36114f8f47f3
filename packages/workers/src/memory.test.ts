/// <reference types="node" />
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { afterAll, beforeAll, expect, it } from 'vitest'

const dir = mkdtempSync(join(tmpdir(), 'bigbuff-workers-memory-'))
beforeAll(async () => {
  await build({
    entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['@bigbuff/source'],
    outfile: join(dir, 'workers.mjs'),
    logLevel: 'silent',
  })
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The expression the measuring script gives each job as its signal. */
const SIGNAL_OF_JOB = { none: 'undefined', shared: 'shared', own: 'new AbortController().signal' }

/** Heap bytes retained per queued job, measured in a fresh `node --expose-gc` on the bundled source. */
function bytesPerQueuedJob(signal: keyof typeof SIGNAL_OF_JOB): number {
  const script = join(dir, `measure-${signal}.mjs`)
  writeFileSync(
    script,
    `import { Workers } from './workers.mjs'
const N = 50_000
const workers = new Workers()
workers.call(1, () => new Promise(() => {}))
const work = () => 1
const shared = new AbortController().signal
const signals = Array.from({ length: N }, () => ${SIGNAL_OF_JOB[signal]})
const held = new Array(N)
gc(); gc()
const before = process.memoryUsage().heapUsed
for (let i = 0; i < N; i++) held[i] = workers.call(1, work, { signal: signals[i] })
gc(); gc()
const after = process.memoryUsage().heapUsed
if (workers.pending !== N) throw new Error('jobs were not queued')
console.log((after - before) / N)
`,
  )
  const out = execFileSync(process.execPath, ['--expose-gc', script], { encoding: 'utf8' })
  return Number(out.trim())
}

it('a queued Workers job retains at most 300 bytes', () => {
  const bytes = bytesPerQueuedJob('none')
  expect(bytes).toBeGreaterThan(50)
  expect(bytes).toBeLessThanOrEqual(300)
})

it('a queued Workers job on a signal other jobs share adds no listener, only its place among them', () => {
  const plain = bytesPerQueuedJob('none')
  const shared = bytesPerQueuedJob('shared')
  // A job with a signal is a Waiter (its link fields in the signal's group: about 40 bytes more,
  // measured); the signal's one listener (about 300 bytes, below) is paid once for all of them.
  expect(shared).toBeGreaterThan(plain)
  expect(shared).toBeLessThanOrEqual(plain + 64)
})

it('a queued Workers job with its own signal stays within the cost of one abort listener more', () => {
  const plain = bytesPerQueuedJob('none')
  const own = bytesPerQueuedJob('own')
  expect(own).toBeGreaterThan(plain)
  // One listener per signal: Node's listener record (about 200 bytes), the signal's watch record
  // and its map entry; measured at 290–305 bytes, so 400 leaves room for noise, not for a closure
  // or a second listener per job.
  expect(own).toBeLessThanOrEqual(plain + 400)
})
