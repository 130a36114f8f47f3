import { defineConfig } from 'vitest/config'

/** Runs every package's tests from the root, each with its own `vitest.config.ts`. */
export default defineConfig({
  test: { projects: ['packages/*'] },
})
