import { defineConfig } from 'vite'

/**
 * A plain Vite app: `@bigbuff/*` resolve through their published `exports` (dist/), exactly as in
 * a user's project — the `@bigbuff/source` condition the tests use is not set here.
 */
export default defineConfig({
  build: { target: 'es2022', sourcemap: true },
})
