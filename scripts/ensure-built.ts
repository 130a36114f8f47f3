/// <reference types="node" />
// Tests that exercise the packages as users get them (a browser bundle, bundle sizes) need each
// package's dist/. Under `pnpm test` turbo builds them first (the example's turbo.json makes its
// `test` depend on `^build`); run on its own, the test's globalSetup calls `ensureBuilt`, which
// rebuilds through turbo only when a dist/ is missing or older than its sources.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))

interface Manifest {
  readonly name: string
  readonly scripts?: Record<string, string>
  readonly dependencies?: Record<string, string>
  readonly devDependencies?: Record<string, string>
}

function manifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest
}

/** Workspace packages by name → directory. */
function workspacePackages(): Map<string, string> {
  const byName = new Map<string, string>()
  for (const entry of readdirSync(join(root, 'packages'))) {
    const dir = join(root, 'packages', entry)
    if (existsSync(join(dir, 'package.json'))) byName.set(manifest(dir).name, dir)
  }
  return byName
}

function workspaceDeps(deps: Record<string, string> | undefined): string[] {
  return Object.entries(deps ?? {})
    .filter(([, spec]) => spec.startsWith('workspace:'))
    .map(([name]) => name)
}

function newestSource(dir: string): number {
  let newest = 0
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (/\.ts$/.test(entry.name) && !/\.(test|test-d)\.ts$/.test(entry.name))
        newest = Math.max(newest, statSync(full).mtimeMs)
    }
  }
  walk(join(dir, 'src'))
  for (const file of ['package.json', 'tsup.config.ts']) {
    const path = join(dir, file)
    if (existsSync(path)) newest = Math.max(newest, statSync(path).mtimeMs)
  }
  return newest
}

function oldestOutput(dir: string): number {
  const outputs = ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts'].map((file) =>
    join(dir, 'dist', file),
  )
  if (!outputs.every((path) => existsSync(path))) return -1
  return Math.min(...outputs.map((path) => statSync(path).mtimeMs))
}

/** The published packages an example needs at runtime, dependencies of dependencies included. */
export function runtimePackages(exampleDir: string): string[] {
  const byName = workspacePackages()
  const seen = new Set<string>()
  const visit = (name: string): void => {
    const dir = byName.get(name)
    if (dir === undefined || seen.has(name)) return
    seen.add(name)
    for (const dep of workspaceDeps(manifest(dir).dependencies)) visit(dep)
  }
  for (const name of workspaceDeps(manifest(exampleDir).dependencies)) visit(name)
  return [...seen].sort()
}

/** Names of the packages among `names` whose dist/ is missing or older than what it is built from. */
export function stalePackages(names: readonly string[]): string[] {
  const byName = workspacePackages()
  const shared = Math.max(
    statSync(join(root, 'scripts', 'tsup-shared.ts')).mtimeMs,
    statSync(join(root, 'scripts', 'tree-shakeable.ts')).mtimeMs,
    newestSource(join(root, 'packages', 'internal')),
  )
  return names.filter((name) => {
    const dir = byName.get(name)
    if (dir === undefined) throw new Error(`ensureBuilt: ${name} is not a package in packages/`)
    return oldestOutput(dir) < Math.max(shared, newestSource(dir))
  })
}

/**
 * Makes sure every package the example at `exampleDir` imports (and their dependencies) has an
 * up-to-date dist/, building through turbo (cached) when one does not. Inside a turbo task
 * (`TURBO_HASH` is set) the task's `^build` dependency has built them already: nothing is run,
 * and only a missing dist/ is an error.
 * @returns the package names checked.
 */
export function ensureBuilt(exampleDir: string): string[] {
  const names = runtimePackages(exampleDir)
  // biome-ignore lint/suspicious/noUndeclaredEnvVars: turbo sets it in every task; it affects no output
  const underTurbo = process.env.TURBO_HASH !== undefined
  const stale = underTurbo ? [] : stalePackages(names)
  if (stale.length > 0) {
    const example = manifest(exampleDir).name
    console.log(`ensure-built: building ${stale.join(', ')} for ${relative(root, exampleDir)}`)
    execFileSync(
      'pnpm',
      ['exec', 'turbo', 'run', 'build', `--filter=${example}^...`, '--output-logs=errors-only'],
      { cwd: root, stdio: 'inherit', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } },
    )
  }
  // A source edited while turbo ran stays newer than its dist/; only a missing build is fatal.
  const byName = workspacePackages()
  const missing = names.filter((name) => oldestOutput(byName.get(name) as string) < 0)
  if (missing.length > 0)
    throw new Error(`ensure-built: no dist/ for ${missing.join(', ')}; run pnpm build first`)
  return names
}
