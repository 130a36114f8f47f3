import { defineConfig, mergeConfig } from 'vitest/config'
import shared from '../scripts/vitest-shared.ts'

/**
 * `STRESS=full` (the root `pnpm test:stress`) runs every property at least 1000 times and adds the
 * soak tests (`*.soak.test.ts`); without it the same tests run a bounded number of times.
 * `STRESS=findings` runs the reproductions of open bugs in findings/, which fail until they are fixed
 * (and passes when none is open).
 */
const profile = process.env.STRESS
const full = profile === 'full'
const long = full || profile === 'findings'

const config = mergeConfig(
  shared,
  defineConfig({
    test: {
      testTimeout: long ? 30 * 60_000 : 20_000,
      hookTimeout: long ? 30 * 60_000 : 20_000,
      ...(full ? { reporters: ['verbose'] } : {}),
    },
  }),
)
// Replaced, not merged: mergeConfig would concatenate these with the shared lists.
config.test = {
  ...config.test,
  include: profile === 'findings' ? ['findings/**/*.test.ts'] : ['src/**/*.test.ts'],
  passWithNoTests: profile === 'findings',
  exclude: ['**/node_modules/**', ...(full ? [] : ['**/*.soak.test.ts'])],
}

export default config
