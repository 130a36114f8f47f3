/// <reference types="node" />
import { createConnection } from 'node:net'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type RedisServer, startRedis } from '../../../packages/redis/test/redis-server.ts'
import { bundleAll, type RunResult, runBlock, type TypeProblem, typecheck } from '../src/check.ts'
import { extractAll } from '../src/extract.ts'
import { type GeneratedBlock, generate } from '../src/generate.ts'

const ROOT = resolve(import.meta.dirname, '../../..')
/** Under node_modules so neither git nor biome sees the generated modules. */
const OUT = join(import.meta.dirname, '..', 'node_modules', '.cache', 'docs-check')
/** How long one block may run before it counts as hanging. */
const RUN_TIMEOUT = 15_000

const generated = generate(ROOT, OUT, extractAll(ROOT))
let problems = new Map<string, TypeProblem[]>()
let redis: RedisServer | undefined
/** Why redis-server could not start (only the blocks that need it fail then). */
let redisError: unknown
let bundled = false

beforeAll(async () => {
  problems = typecheck(ROOT, OUT, generated)
  bundled = await bundleAll(generated.filter((g) => g.run))
  if (generated.some((g) => g.run && g.needsRedis)) {
    try {
      redis = await startRedis()
    } catch (error) {
      redisError = error
    }
  }
})

afterAll(async () => {
  await redis?.stop('SIGTERM')
})

test('the harness finds the docs', () => {
  expect(generated.filter((g) => g.block.kind === 'readme').length).toBeGreaterThan(10)
  expect(generated.filter((g) => g.block.kind === 'example').length).toBeGreaterThan(50)
})

test('the prelude and contexts type-check', () => {
  expect(describeProblems(problems.get('') ?? [])).toBe('')
})

for (const kind of ['readme', 'example'] as const) {
  describe(kind === 'readme' ? 'README blocks' : 'TSDoc @example blocks', () => {
    for (const g of generated.filter((item) => item.block.kind === kind)) {
      // Blocks run in their own processes, so they may overlap; Redis blocks share one server and
      // empty it first, so they run one at a time.
      const run = g.needsRedis ? test : test.concurrent
      run(`${g.block.id}${g.run ? '' : ' (no-run: type-checked only)'}`, async () => {
        const typeErrors = describeProblems(problems.get(g.path) ?? [])
        if (typeErrors !== '') {
          throw new Error(`${g.block.id} does not type-check:\n${typeErrors}\n(generated module: ${g.path})`)
        }
        if (!g.run) return
        const env: Record<string, string> = {}
        if (g.needsRedis) {
          if (redis === undefined) {
            throw new Error(
              `${g.block.id} needs Redis, and redis-server did not start: ${String(redisError)}`,
            )
          }
          await flushAll(redis.port)
          env.REDIS_URL = redis.url
        }
        const result = await runBlock(g, env, RUN_TIMEOUT, bundled)
        if (result.code !== 0) throw new Error(describeFailure(g, result))
      })
    }
  })
}

function describeProblems(list: readonly TypeProblem[]): string {
  return list.map((p) => `  ${p.where}: ${p.message.split('\n').join('\n    ')}`).join('\n')
}

function describeFailure(g: GeneratedBlock, result: RunResult): string {
  const how = result.timedOut
    ? `still running after ${RUN_TIMEOUT} ms (something keeps the process alive)`
    : result.code === 13
      ? 'exit code 13: a top-level await never settled (the block waits for something that never comes)'
      : `exit ${result.code ?? result.signal}`
  const tail = result.output.trim().split('\n').slice(-30).join('\n')
  return `${g.block.id} failed when run: ${how}\n--- output ---\n${tail}\n--- (generated module: ${g.path})`
}

/** Empties the shared test Redis so each block starts from nothing. */
function flushAll(port: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' })
    let reply = ''
    socket.on('connect', () => socket.write('FLUSHALL\r\n'))
    socket.on('data', (chunk) => {
      reply += chunk.toString()
      if (!reply.includes('\r\n')) return
      socket.destroy()
      if (reply.startsWith('+OK')) resolvePromise()
      else reject(new Error(`FLUSHALL: ${reply}`))
    })
    socket.on('error', reject)
  })
}
