/// <reference types="node" />
// Tests that exercise the packages as users get them (a browser bundle, bundle sizes, packed
// tarballs) need each package's dist/. Turbo's dependency graph provides it: under `pnpm test` the
// task's `^build` dependency (the package's turbo.json) has built them already; run on its own, the
// test's globalSetup calls `ensureBuilt`, which asks turbo for the same `^build` — turbo rebuilds
// only what changed (by content hash) and replays the rest from its cache.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))

/**
 * Builds, through turbo, every workspace package the package at `dir` depends on (dependencies of
 * dependencies included). Inside a turbo task (`TURBO_HASH` is set) they are built already and
 * nothing is run.
 */
export function ensureBuilt(dir: string): void {
  // biome-ignore lint/suspicious/noUndeclaredEnvVars: turbo sets it in every task; it affects no output
  if (process.env.TURBO_HASH !== undefined) return
  const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string }
  execFileSync(
    'pnpm',
    ['exec', 'turbo', 'run', 'build', `--filter=${name}^...`, '--output-logs=errors-only'],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
    },
  )
}
