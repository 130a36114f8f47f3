/// <reference types="node" />
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { expect, it } from 'vitest'

it('Exclusive with its dependencies stays within 2.5 kB minified and gzipped', async () => {
  const result = await build({
    stdin: {
      contents: "export { Exclusive } from '@bigbuff/exclusive'",
      resolveDir: fileURLToPath(new URL('.', import.meta.url)),
    },
    alias: { '@bigbuff/exclusive': fileURLToPath(new URL('./index.ts', import.meta.url)) },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['@bigbuff/source'],
    write: false,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]?.contents ?? new Uint8Array()
  const gzipped = gzipSync(code, { level: 9 }).length
  expect(gzipped).toBeGreaterThan(500)
  expect(gzipped).toBeLessThanOrEqual(2500)
})
