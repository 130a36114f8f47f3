import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium } from 'playwright-core'
import { build, type Rolldown } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveStatic } from './serve.ts'

const root = fileURLToPath(new URL('..', import.meta.url))

/** Debian's chromium, launched as the issue prescribes (never a downloaded browser). */
const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
  ],
}

let outDir: string
let bundledModules: string[]
let server: Awaited<ReturnType<typeof serveStatic>>
let browser: Browser

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'bigbuff-browser-'))
  const output = (await build({
    root,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  })) as Rolldown.RolldownOutput
  bundledModules = output.output.flatMap((item) => (item.type === 'chunk' ? item.moduleIds : []))
  server = await serveStatic(outDir)
  browser = await chromium.launch(CHROMIUM)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  if (outDir) await rm(outDir, { recursive: true, force: true })
})

describe('the browser example', () => {
  it('bundles exclusive, channel and buffer from their dist/ through the packages’ exports', () => {
    const ours = bundledModules.filter((id) => /[\\/]packages[\\/]/.test(id))
    const packages = new Set(ours.map((id) => id.match(/[\\/]packages[\\/]([^\\/]+)[\\/]/)?.[1]))
    expect([...packages]).toEqual(expect.arrayContaining(['buffer', 'channel', 'exclusive']))
    for (const name of packages)
      expect(['async-utils', 'buffer', 'channel', 'core', 'exclusive']).toContain(name)
    for (const id of ours) expect(id).toMatch(/[\\/]packages[\\/][^\\/]+[\\/]dist[\\/]index\.js$/)
  })

  it('shows the results computed in headless Chromium and logs no errors', async () => {
    const page = await browser.newPage()
    const problems: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text())
    })
    page.on('pageerror', (error) => problems.push(String(error)))
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`))
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`)
    })

    await page.goto(server.url)
    await page.waitForSelector('body:not([data-status="running"])', { timeout: 15_000 })
    const text = async (id: string) => (await page.textContent(`#${id}`))?.trim()

    expect(await page.getAttribute('body', 'data-status'), await text('status')).toBe('done')
    expect(await text('exclusive-runs')).toBe('1')
    expect(await text('exclusive-callers')).toBe('100')
    expect(await text('exclusive-result')).toBe('99')
    expect(await text('chan-rounds')).toBe('1000')
    expect(await text('chan-responsive')).toBe('yes')
    for (const reader of ['a', 'b']) {
      expect(await text(`buffer-${reader}-count`)).toBe('100')
      expect(await text(`buffer-${reader}-order`)).toBe('yes')
      expect(await text(`buffer-${reader}-sum`)).toBe('5050')
    }
    expect(problems).toEqual([])
    await page.close()
  })
})
