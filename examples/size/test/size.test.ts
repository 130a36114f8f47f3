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
  '{ allSignals } (async-utils)': { esbuild: 810, rollup: 810, vite: 798 },
  '{ anySignal } (async-utils)': { esbuild: 729, rollup: 732, vite: 722 },
  '{ Cond } (async-utils)': { esbuild: 1173, rollup: 1183, vite: 1158 },
  '{ exponentialRetry } (async-utils)': { esbuild: 1432, rollup: 1413, vite: 1404 },
  '{ FatalError } (async-utils)': { esbuild: 435, rollup: 424, vite: 430 },
  '{ linearAttempt } (async-utils)': { esbuild: 1729, rollup: 1752, vite: 1711 },
  '{ minDuration } (async-utils)': { esbuild: 811, rollup: 793, vite: 795 },
  '{ onAbort } (async-utils)': { esbuild: 636, rollup: 634, vite: 630 },
  '{ sleep } (async-utils)': { esbuild: 1146, rollup: 1127, vite: 1118 },
  '{ waitFor } (async-utils)': { esbuild: 1311, rollup: 1323, vite: 1296 },
  '{ BigBuffer } (buffer)': { esbuild: 5153, rollup: 5117, vite: 5033 },
  '{ defaultCleaner } (buffer)': { esbuild: 624, rollup: 575, vite: 588 },
  '{ fixedBufferCleaner } (buffer)': { esbuild: 862, rollup: 806, vite: 820 },
  '{ Chan } (channel)': { esbuild: 3009, rollup: 3034, vite: 2986 },
  '{ ChannelConsumer } (channel)': { esbuild: 4125, rollup: 4121, vite: 4073 },
  '{ Notifier } (channel)': { esbuild: 3792, rollup: 3858, vite: 3754 },
  '{ PubSub } (channel)': { esbuild: 3798, rollup: 3848, vite: 3761 },
  '{ select } (channel)': { esbuild: 3722, rollup: 3711, vite: 3659 },
  '{ trySelect } (channel)': { esbuild: 3398, rollup: 3413, vite: 3383 },
  '{ receiveCase } (channel)': { esbuild: 3112, rollup: 3137, vite: 3096 },
  '{ sendCase } (channel)': { esbuild: 3111, rollup: 3133, vite: 3095 },
  '{ iterate } (consumer)': { esbuild: 1470, rollup: 1422, vite: 1452 },
  '{ range } (consumer)': { esbuild: 1324, rollup: 1271, vite: 1288 },
  '{ rangeBatch } (consumer)': { esbuild: 2037, rollup: 2005, vite: 2016 },
  '{ BigbuffError } (core)': { esbuild: 512, rollup: 513, vite: 506 },
  '{ ClosedError } (core)': { esbuild: 553, rollup: 551, vite: 546 },
  '{ ConsumerBehindError } (core)': { esbuild: 743, rollup: 744, vite: 729 },
  '{ isBigbuffError } (core)': { esbuild: 524, rollup: 522, vite: 521 },
  '{ NothingToCommitError } (core)': { esbuild: 565, rollup: 567, vite: 558 },
  '{ NothingToRollbackError } (core)': { esbuild: 571, rollup: 569, vite: 563 },
  '{ Exclusive } (exclusive)': { esbuild: 2221, rollup: 2264, vite: 2184 },
  '{ Worker } (workers)': { esbuild: 662, rollup: 663, vite: 653 },
  '{ Workers } (workers)': { esbuild: 1616, rollup: 1624, vite: 1593 },
  '{ Chan, select } (channel)': { esbuild: 3728, rollup: 3716, vite: 3665 },
  '{ BigBuffer } (buffer) + { range } (consumer)': { esbuild: 5612, rollup: 5490, vite: 5458 },
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
  ChannelConsumer: [/create channel consumer/, /the source iterator must return an object/],
  PubSub: [/["'`]pub-sub["'`]/, /["'`]publish["'`]/],
  Topic: [/["'`]subscribe["'`]/, /\bunsubscribe\b/],
  FatalError: [/FatalError/],
}

const present = (code: string, marks: readonly RegExp[]): RegExp[] => marks.filter((mark) => mark.test(code))

describe('tree-shaking', () => {
  it.each(BUNDLERS)(
    'import { Chan } carries no ChannelConsumer, PubSub or Topic code under %s',
    async (bundler) => {
      const { code } = await measure("export { Chan } from '@bigbuff/channel'", bundler)
      expect(code).toMatch(/["'`]create channel["'`]/)
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
