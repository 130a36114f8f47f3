import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // The packed-tarball check installs TypeScript and runs tsc several times.
    hookTimeout: 300_000,
  },
})
