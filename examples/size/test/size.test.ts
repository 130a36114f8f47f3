import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { BUNDLERS, type Bundler, type Measured, measure } from './bundle.ts'
import { ENTRIES, type Entry, entryName, entrySource } from './entries.ts'

/**
 * Gzip bytes (minified, level 9) of each import under each bundler, as measured when the budgets
 * were set. The budget is the measurement plus 10%. Raise a figure only on purpose, after
 * measuring again (`SIZE_REPORT=1 pnpm --filter @bigbuff/example-size test` prints the table).
 */
const MEASURED: Record<string, Record<Bundler, number>> = {
  '{ allSignals } (async-utils)': { esbuild: 809, rollup: 810, vite: 798 },
  '{ anySignal } (async-utils)': { esbuild: 729, rollup: 732, vite: 722 },
  '{ Cond } (async-utils)': { esbuild: 974, rollup: 986, vite: 958 },
  '{ exponentialRetry } (async-utils)': { esbuild: 1076, rollup: 1067, vite: 1048 },
  '{ FatalError } (async-utils)': { esbuild: 435, rollup: 424, vite: 430 },
  '{ linearAttempt } (async-utils)': { esbuild: 1431, rollup: 1441, vite: 1408 },
  '{ minDuration } (async-utils)': { esbuild: 738, rollup: 639, vite: 714 },
  '{ onAbort } (async-utils)': { esbuild: 636, rollup: 634, vite: 630 },
  '{ sleep } (async-utils)': { esbuild: 750, rollup: 729, vite: 726 },
  '{ waitFor } (async-utils)': { esbuild: 1113, rollup: 1127, vite: 1098 },
  '{ BigBuffer } (buffer)': { esbuild: 4048, rollup: 4048, vite: 3962 },
  '{ defaultCleaner } (buffer)': { esbuild: 535, rollup: 515, vite: 508 },
  '{ fixedBufferCleaner } (buffer)': { esbuild: 777, rollup: 751, vite: 743 },
  '{ Chan } (channel)': { esbuild: 2874, rollup: 2889, vite: 2832 },
  '{ ChannelConsumer } (channel)': { esbuild: 4001, rollup: 3974, vite: 3910 },
  '{ Notifier } (channel)': { esbuild: 3628, rollup: 3677, vite: 3577 },
  '{ PubSub } (channel)': { esbuild: 3640, rollup: 3663, vite: 3578 },
  '{ select } (channel)': { esbuild: 3501, rollup: 3487, vite: 3425 },
  '{ trySelect } (channel)': { esbuild: 3181, rollup: 3189, vite: 3141 },
  '{ receiveCase } (channel)': { esbuild: 2957, rollup: 2961, vite: 2912 },
  '{ sendCase } (channel)': { esbuild: 2958, rollup: 2961, vite: 2911 },
  '{ iterate } (consumer)': { esbuild: 722, rollup: 686, vite: 710 },
  '{ range } (consumer)': { esbuild: 812, rollup: 779, vite: 795 },
  '{ rangeBatch } (consumer)': { esbuild: 1200, rollup: 1194, vite: 1190 },
  '{ BigbuffError } (core)': { esbuild: 512, rollup: 513, vite: 506 },
  '{ ClosedError } (core)': { esbuild: 553, rollup: 551, vite: 546 },
  '{ ConsumerBehindError } (core)': { esbuild: 743, rollup: 744, vite: 729 },
  '{ isBigbuffError } (core)': { esbuild: 524, rollup: 522, vite: 521 },
  '{ NothingToCommitError } (core)': { esbuild: 565, rollup: 567, vite: 558 },
  '{ NothingToRollbackError } (core)': { esbuild: 571, rollup: 569, vite: 563 },
  '{ Exclusive } (exclusive)': { esbuild: 2013, rollup: 2057, vite: 1987 },
  '{ Worker } (workers)': { esbuild: 661, rollup: 663, vite: 653 },
  '{ Workers } (workers)': { esbuild: 1181, rollup: 1177, vite: 1165 },
  '{ Chan, select } (channel)': { esbuild: 3507, rollup: 3491, vite: 3427 },
  '{ BigBuffer } (buffer) + { range } (consumer)': { esbuild: 4261, rollup: 4223, vite: 4172 },
}

const budgetOf = (measured: number): number => Math.ceil(measured * 1.1)

/** Workspace packages `pkg` bundles at runtime: itself and its dependencies, transitively. */
function runtimePackages(pkg: string, seen = new Set<string>()): Set<string> {
  if (seen.has(pkg)) return seen
  seen.add(pkg)
  const manifest = JSON.parse(
    readFileSync(new URL(`../../../packages/${pkg}/package.json`, import.meta.url), 'utf8'),
  ) as { dependencies?: Record<string, string> }
  for (const name of Object.keys(manifest.dependencies ?? {}))
    if (name.startsWith('@bigbuff/')) runtimePackages(name.slice('@bigbuff/'.length), seen)
  return seen
}

const results = new Map<string, Record<Bundler, Measured>>()

async function measureAll(entry: Entry): Promise<Record<Bundler, Measured>> {
  const name = entryName(entry)
  const known = results.get(name)
  if (known !== undefined) return known
  const measured = {} as Record<Bundler, Measured>
  for (const bundler of BUNDLERS) measured[bundler] = await measure(entrySource(entry), bundler)
  results.set(name, measured)
  return measured
}

describe.each(ENTRIES.map((entry) => ({ entry, name: entryName(entry) })))('$name', ({ entry, name }) => {
  it('stays within its budget (measured + 10%) under esbuild, Rollup and Vite', async () => {
    const measured = await measureAll(entry)
    const figures = MEASURED[name]
    expect(figures, `no measurement recorded for ${name}`).toBeDefined()
    for (const bundler of BUNDLERS) {
      const { gzip, minified } = measured[bundler]
      const budget = budgetOf(figures?.[bundler] ?? 0)
      expect(gzip, `${name} with ${bundler}: ${gzip} B gzip (${minified} B minified)`).toBeLessThanOrEqual(
        budget,
      )
    }
  })

  it('carries code only from dist/ of the imported packages and their dependencies', async () => {
    const measured = await measureAll(entry)
    const allowed = runtimePackages(entry.pkg)
    if (entry.also) for (const pkg of runtimePackages(entry.also.pkg)) allowed.add(pkg)
    for (const bundler of BUNDLERS) {
      const { packages, files } = measured[bundler]
      expect(packages, bundler).toContain(entry.pkg)
      for (const pkg of packages) expect([...allowed], `${bundler} bundles code from ${pkg}`).toContain(pkg)
      for (const file of files) expect(file, bundler).toMatch(/^packages\/[^/]+\/dist\/index\.js$/)
    }
  })

  it('is tree-shaken alike by the three bundlers (none keeps a quarter more than the smallest)', async () => {
    const measured = await measureAll(entry)
    const smallest = Math.min(...BUNDLERS.map((bundler) => measured[bundler].gzip))
    for (const bundler of BUNDLERS)
      expect(measured[bundler].gzip, `${name} with ${bundler}`).toBeLessThanOrEqual(smallest * 1.25)
  })
})

/**
 * Strings that only the named class's code contains; they survive minification (messages,
 * argument names checked at runtime, method names).
 */
const CLASS_CODE: Record<'ChannelConsumer' | 'PubSub' | 'Topic' | 'FatalError', readonly RegExp[]> = {
  ChannelConsumer: [/Cannot get: consumer closed/, /Cannot get: source exhausted/],
  PubSub: [/Cannot publish: pub-sub closed/, /Cannot subscribe: pub-sub closed/],
  Topic: [/["'`]subscribe["'`]/, /\bunsubscribe\b/],
  FatalError: [/FatalError/],
}

const present = (code: string, marks: readonly RegExp[]): RegExp[] => marks.filter((mark) => mark.test(code))

describe('tree-shaking', () => {
  it.each(BUNDLERS)(
    'import { Chan } carries no ChannelConsumer, PubSub or Topic code under %s',
    async (bundler) => {
      const { code } = await measure("export { Chan } from '@bigbuff/channel'", bundler)
      expect(code).toContain('Cannot receive: channel closed')
      for (const cls of ['ChannelConsumer', 'PubSub', 'Topic'] as const)
        expect(present(code, CLASS_CODE[cls]), `${cls} code in the bundle`).toEqual([])
    },
  )

  it.each(BUNDLERS)('the markers are found where the classes are imported, under %s', async (bundler) => {
    const consumer = await measure("export { ChannelConsumer } from '@bigbuff/channel'", bundler)
    expect(present(consumer.code, CLASS_CODE.ChannelConsumer)).toEqual(CLASS_CODE.ChannelConsumer)
    const pubsub = await measure("export { PubSub } from '@bigbuff/channel'", bundler)
    expect(present(pubsub.code, CLASS_CODE.PubSub)).toEqual(CLASS_CODE.PubSub)
    expect(present(pubsub.code, CLASS_CODE.Topic)).toEqual(CLASS_CODE.Topic)
    const fatal = await measure("export { FatalError } from '@bigbuff/async-utils'", bundler)
    expect(present(fatal.code, CLASS_CODE.FatalError)).toEqual(CLASS_CODE.FatalError)
  })

  it.each(BUNDLERS)('import { sleep } carries no FatalError under %s', async (bundler) => {
    const { code } = await measure("export { sleep } from '@bigbuff/async-utils'", bundler)
    expect(present(code, CLASS_CODE.FatalError)).toEqual([])
  })

  it('measures what it bundles: a bigger import is bigger', async () => {
    const one = await measure("export { Workers } from '@bigbuff/workers'")
    const two = await measure("export { Workers, Worker } from '@bigbuff/workers'")
    expect(two.minified).toBeGreaterThan(one.minified)
    expect(one.gzip).toBeLessThan(one.minified)
  })
})

if (process.env.SIZE_REPORT !== undefined) {
  describe('report', () => {
    it('prints the measurements', async () => {
      const rows = []
      for (const entry of ENTRIES) {
        const measured = await measureAll(entry)
        rows.push({ name: entryName(entry), gzip: BUNDLERS.map((bundler) => measured[bundler].gzip) })
      }
      const table = rows.map(
        ({ name, gzip }) => `  '${name}': { ${BUNDLERS.map((b, i) => `${b}: ${gzip[i]}`).join(', ')} },`,
      )
      const markdown = rows.map(
        ({ name, gzip }) =>
          `| \`${name}\` | ${gzip.map((g) => `${g} B (budget ${budgetOf(g)})`).join(' | ')} |`,
      )
      console.log(`${table.join('\n')}\n\n${markdown.join('\n')}`)
    })
  })
}
