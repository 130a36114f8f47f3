import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const exampleDir = fileURLToPath(new URL('..', import.meta.url))

/** What a user's bundler makes of one import statement. */
export interface Measured {
  /** Minified bytes. */
  readonly minified: number
  /** Minified, then gzipped (level 9) bytes. */
  readonly gzip: number
  /** Packages (directory names under packages/) that contributed code to the bundle. */
  readonly packages: readonly string[]
  /** Every file that contributed code, relative to the repository root. */
  readonly files: readonly string[]
}

/**
 * Bundles `source` (ESM that imports `@bigbuff/*`) the way an application bundler would: resolved
 * through the packages' `exports` for the browser (so from dist/), tree-shaken and minified.
 */
export async function measure(source: string): Promise<Measured> {
  const result = await build({
    stdin: { contents: source, resolveDir: exampleDir, sourcefile: 'entry.js', loader: 'js' },
    absWorkingDir: fileURLToPath(new URL('../../..', import.meta.url)),
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]?.contents ?? new Uint8Array()
  const output = Object.values(result.metafile.outputs)[0]
  const files = Object.entries(output?.inputs ?? {})
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([file]) => file)
    .filter((file) => file !== 'entry.js' && file !== '<stdin>')
  const packages = new Set(files.map((file) => file.match(/^packages\/([^/]+)\//)?.[1] ?? file))
  return {
    minified: code.byteLength,
    gzip: gzipSync(code, { level: 9 }).byteLength,
    packages: [...packages].sort(),
    files,
  }
}
