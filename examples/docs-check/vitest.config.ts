import { defineConfig } from 'vitest/config'

/** The harness itself runs in plain Node; each doc block is bundled and run in its own process. */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    maxConcurrency: 4,
  },
})
