import { mkdirSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import { build as esbuild } from 'esbuild'
import { rollup } from 'rollup'
import { minify } from 'terser'
import { build as viteBuild } from 'vite'

const exampleDir = fileURLToPath(new URL('..', import.meta.url))
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url))
/** Entry files live inside the example so that `@bigbuff/*` resolves from its node_modules. */
const entryDir = join(exampleDir, 'node_modules', '.size-entries')

/** The bundlers every import is measured with. */
export const BUNDLERS = ['esbuild', 'rollup', 'vite'] as const
export type Bundler = (typeof BUNDLERS)[number]

/** What a user's bundler makes of one import statement. */
export interface Measured {
  /** The minified bundle. */
  readonly code: string
  /** Minified bytes. */
  readonly minified: number
  /** Minified, then gzipped (level 9) bytes. */
  readonly gzip: number
  /** Packages (directory names under packages/) that contributed code to the bundle. */
  readonly packages: readonly string[]
  /** Every file that contributed code, relative to the repository root. */
  readonly files: readonly string[]
}

let entries = 0

/** Writes `source` to a fresh entry file beside the example's dependencies. */
function entryFile(source: string): string {
  mkdirSync(entryDir, { recursive: true })
  const file = join(entryDir, `entry-${process.pid}-${entries++}.js`)
  writeFileSync(file, `${source}\n`)
  return file
}

function measured(code: string, files: readonly string[]): Measured {
  const bytes = Buffer.from(code)
  const inPackages = files
    .map((file) => relative(repoRoot, file.replace(/^\0/, '').split('?')[0] ?? file).replaceAll('\\', '/'))
    .filter((file) => !file.includes('.size-entries/'))
  const packages = new Set(inPackages.map((file) => file.match(/^packages\/([^/]+)\//)?.[1] ?? file))
  return {
    code,
    minified: bytes.byteLength,
    gzip: gzipSync(bytes, { level: 9 }).byteLength,
    packages: [...packages].sort(),
    files: inPackages,
  }
}

/** esbuild: bundle, minify, browser platform (so the packages' `exports` lead to dist/). */
async function withEsbuild(file: string): Promise<Measured> {
  const result = await esbuild({
    entryPoints: [file],
    absWorkingDir: repoRoot,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]?.text ?? ''
  const output = Object.values(result.metafile.outputs)[0]
  const files = Object.entries(output?.inputs ?? {})
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => join(repoRoot, path))
  return measured(code, files)
}

/**
 * Rollup with node-resolve for the browser, minified by terser as `@rollup/plugin-terser` does
 * (`module: true`), called in-process: the plugin's worker threads cost a second per bundle.
 */
async function withRollup(file: string): Promise<Measured> {
  const bundle = await rollup({
    input: file,
    plugins: [nodeResolve({ browser: true })],
    onwarn: (warning) => {
      throw new Error(`rollup: ${warning.message}`)
    },
  })
  try {
    const { output } = await bundle.generate({ format: 'es' })
    const chunk = output[0]
    const files = Object.entries(chunk.modules)
      .filter(([, module]) => module.renderedLength > 0)
      .map(([id]) => id)
    const minified = await minify(chunk.code, { module: true })
    return measured(minified.code ?? '', files)
  } finally {
    await bundle.close()
  }
}

/** `vite build` of the entry as an application entry that keeps its exports, minified as Vite does. */
async function withVite(file: string): Promise<Measured> {
  const result = await viteBuild({
    configFile: false,
    root: exampleDir,
    logLevel: 'silent',
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      modulePreload: false,
      rollupOptions: { input: file, preserveEntrySignatures: 'strict' },
    },
  })
  const outputs = Array.isArray(result) ? result : [result]
  const chunk = outputs
    .flatMap((out) => ('output' in out ? out.output : []))
    .find((item) => item.type === 'chunk' && item.isEntry)
  if (chunk === undefined || chunk.type !== 'chunk') throw new Error('vite produced no entry chunk')
  const files = Object.entries(chunk.modules)
    .filter(([, module]) => module.renderedLength > 0)
    .map(([id]) => id)
  return measured(chunk.code, files)
}

const MEASURE: Record<Bundler, (file: string) => Promise<Measured>> = {
  esbuild: withEsbuild,
  rollup: withRollup,
  vite: withVite,
}

/**
 * Bundles `source` (ESM that imports `@bigbuff/*`) the way an application bundler would: resolved
 * through the packages' `exports` for the browser (so from dist/), tree-shaken and minified.
 */
export async function measure(source: string, bundler: Bundler = 'esbuild'): Promise<Measured> {
  return MEASURE[bundler](entryFile(source))
}
