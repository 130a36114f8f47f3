import { fileURLToPath } from 'node:url'
import { defineConfig, type Options } from 'tsup'
import { treeShakeable } from './tree-shakeable.ts'

const disposeSymbols = fileURLToPath(new URL('../packages/internal/src/dispose.ts', import.meta.url))

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
    ...overrides,
  })
}
