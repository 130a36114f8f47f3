import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RedisServer, startRedis } from '../../../packages/redis/test/redis-server.ts'

interface ProcessStats {
  readonly index: number
  readonly pid: number
  readonly calls: number
  readonly runs: number
  readonly servedByOthers: number
  readonly batchesSeen: number
  readonly jobs: number
}

interface Summary {
  readonly processes: readonly ProcessStats[]
  readonly refresh: Record<
    string,
    { calls: number; runs: number; maxOverlap: number; tokensIncreasing: boolean }
  >
  readonly calls: number
  readonly runs: number
  readonly batches: number
  readonly limit: number
  readonly jobs: number
  readonly maxConcurrent: number
  readonly jobTokensUnique: boolean
  readonly ok: boolean
}

const main = fileURLToPath(new URL('../src/main.mjs', import.meta.url))

/** Runs the demo as a user does (`node src/main.mjs`) against `url`. */
async function runDemo(
  url: string,
  timeout: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Killed (with its workers, which die with their IPC channel) before the test's own timeout.
  const child = spawn(process.execPath, [main], { env: { ...process.env, REDIS_URL: url }, timeout })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const [code] = (await once(child, 'close')) as [number | null]
  return { code, stdout, stderr }
}

describe('redis-fleet demo', () => {
  let redis: RedisServer

  beforeAll(async () => {
    redis = await startRedis()
  })

  afterAll(async () => {
    await redis?.stop()
  })

  it('4 processes share each refresh per batch and never exceed the fleet-wide job limit', {
    timeout: 120_000,
  }, async () => {
    const { code, stdout, stderr } = await runDemo(redis.url, 100_000)
    expect(code, `stderr:\n${stderr}`).toBe(0)
    expect(stderr).not.toMatch(/error|redis-fleet:/i)
    const lines = stdout.trimEnd().split('\n')
    const summary = JSON.parse(lines.at(-1) as string) as Summary
    expect(summary.ok).toBe(true)

    // The refresh ran far fewer times than it was called: once per batch across the fleet, at
    // least once per batch, never twice at once, with increasing fencing tokens.
    expect(summary.runs).toBeLessThan(summary.calls)
    expect(summary.runs).toBeGreaterThanOrEqual(summary.batches)
    for (const entry of Object.values(summary.refresh)) {
      expect(entry.runs).toBeLessThan(entry.calls)
      expect(entry.maxOverlap).toBe(1)
      expect(entry.tokensIncreasing).toBe(true)
    }
    expect(summary.processes.reduce((sum, stats) => sum + stats.runs, 0)).toBe(summary.runs)
    // Some caller got a result computed in another process.
    expect(summary.processes.some((stats) => stats.servedByOthers > 0)).toBe(true)

    // Jobs: never more than the limit at once across the 4 processes; every job had its own token.
    expect(summary.maxConcurrent).toBeLessThanOrEqual(summary.limit)
    expect(summary.maxConcurrent).toBeGreaterThan(0)
    expect(summary.jobTokensUnique).toBe(true)

    // Every process took part: its own pid, calls and jobs.
    expect(summary.processes).toHaveLength(4)
    expect(new Set(summary.processes.map((stats) => stats.pid)).size).toBe(4)
    for (const stats of summary.processes) {
      expect(stats.calls).toBeGreaterThan(0)
      expect(stats.jobs).toBeGreaterThan(0)
    }
    expect(summary.jobs).toBe(summary.processes.reduce((sum, stats) => sum + stats.jobs, 0))

    // The human-readable part.
    expect(stdout).toContain('4 processes share RedisExclusive and RedisWorkers')
    expect(stdout).toMatch(/prices +240 calls -> \d+ runs/)
    expect(stdout).toContain('All checks passed.')
  })

  it('exits 1 with a clear message when Redis cannot be reached', { timeout: 30_000 }, async () => {
    const { code, stdout, stderr } = await runDemo('redis://127.0.0.1:1', 20_000)
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toContain('Cannot reach Redis at redis://127.0.0.1:1')
  })
})
