import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig, type Options } from 'tsup'
import { treeShakeable } from './tree-shakeable.ts'

const disposeSymbols = fileURLToPath(new URL('../packages/internal/src/dispose.ts', import.meta.url))
const internalSources = fileURLToPath(new URL('../packages/internal/src/', import.meta.url))

/**
 * The build every published package shares: ESM + CJS with per-format declarations
 * (`.d.ts` / `.d.cts`). The private `@bigbuff/internal` package is bundled in, code
 * and types, so it never becomes a runtime dependency. `Symbol.asyncDispose`/`Symbol.dispose`
 * in built code fall back to `Symbol.for(...)` on runtimes that lack them.
 */
export function packageConfig(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    target: 'es2022',
    platform: 'neutral',
    dts: true,
    inject: [disposeSymbols],
    // Unused classes and constants drop out of applications bundled with esbuild too (see tree-shakeable.ts).
    esbuildPlugins: [treeShakeable()],
    noExternal: ['@bigbuff/internal'],
    sourcemap: true,
    clean: true,
    treeshake: true,
    splitting: false,
    onSuccess: async () => rewriteSourceMaps(process.cwd()),
    ...overrides,
  })
}

/**
 * Published source maps must point inside the package. esbuild writes each source's path relative
 * to dist/ and embeds its text (`sourcesContent`); the sources of the bundled private
 * `@bigbuff/internal` lie outside the package (`../../internal/src/x.ts`), so they are renamed to
 * `../internal/x.ts` — a path inside the package whose text the map carries.
 */
export function rewriteSourceMaps(packageDir: string): void {
  const dist = join(packageDir, 'dist')
  for (const file of readdirSync(dist)) {
    if (!file.endsWith('.map')) continue
    const path = join(dist, file)
    const map = JSON.parse(readFileSync(path, 'utf8')) as {
      sources: string[]
      sourcesContent?: (string | null)[]
    }
    if (map.sourcesContent?.length !== map.sources.length || map.sourcesContent.includes(null))
      throw new Error(`${path}: every source must carry its text (sourcesContent)`)
    map.sources = map.sources.map((source) => {
      const inPackage = relative(packageDir, resolve(dist, source))
      if (!inPackage.startsWith(`..${sep}`)) return source
      const internal = relative(internalSources, resolve(dist, source))
      if (internal.startsWith(`..${sep}`)) throw new Error(`${path}: ${source} is outside the package`)
      return `../internal/${internal.split(sep).join('/')}`
    })
    writeFileSync(path, JSON.stringify(map))
  }
}
