import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { type BuildOptions, build } from 'esbuild'
import ts from 'typescript'
import type { GeneratedBlock } from './generate.ts'

/** The packages' source condition: blocks are checked and run against `src/`, so no build is needed. */
const SOURCE_CONDITION = '@bigbuff/source'

/** A type error, already mapped to the README or source line it belongs to. */
export interface TypeProblem {
  readonly where: string
  readonly message: string
}

/**
 * Type-checks every generated block in one program, with the repository's compiler options (strict,
 * `exactOptionalPropertyTypes`, …) and Node's types. Returns the problems per generated path, plus
 * problems outside any block (the prelude, a context) under the key `''`.
 */
export function typecheck(
  root: string,
  dir: string,
  blocks: readonly GeneratedBlock[],
): Map<string, TypeProblem[]> {
  const base = relative(dir, join(root, 'tsconfig.base.json')).split('\\').join('/')
  const configPath = join(dir, 'tsconfig.json')
  writeFileSync(
    configPath,
    JSON.stringify({
      extends: base,
      compilerOptions: { types: ['node'], allowImportingTsExtensions: true, noEmit: true },
      files: blocks.map((b) => relative(dir, b.path).split('\\').join('/')),
    }),
  )
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'))
    },
  })
  if (parsed === undefined) throw new Error(`cannot read ${configPath}`)
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options })
  const byPath = new Map(blocks.map((b) => [b.path, b]))
  const problems = new Map<string, TypeProblem[]>()
  const add = (key: string, problem: TypeProblem): void => {
    const list = problems.get(key) ?? []
    list.push(problem)
    problems.set(key, list)
  }
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
    const file = diagnostic.file
    if (file === undefined) {
      add('', { where: 'tsc', message })
      continue
    }
    const { line, character } = file.getLineAndCharacterOfPosition(diagnostic.start ?? 0)
    const generated = byPath.get(ts.sys.resolvePath(file.fileName)) ?? byPath.get(file.fileName)
    if (generated === undefined) {
      add('', { where: `${relative(root, file.fileName)}:${line + 1}:${character + 1}`, message })
      continue
    }
    const offset = line - generated.headerLines
    const where =
      offset < 0
        ? `${generated.block.id} (harness header line ${line + 1} of ${relative(root, generated.path)})`
        : `${generated.block.file}:${generated.block.line + 1 + offset}:${character + 1}`
    add(generated.path, { where, message })
  }
  return problems
}

/** What running a block printed, and how it ended. */
export interface RunResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly timedOut: boolean
  readonly output: string
}

function bundleOptions(entryPoints: string[]): BuildOptions {
  return {
    entryPoints,
    outdir: dirname(entryPoints[0] ?? '.'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: [SOURCE_CONDITION],
    sourcemap: 'inline',
    logLevel: 'silent',
    // Bundled CommonJS dependencies (the Redis client) call require() for Node's built-ins.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  }
}

/**
 * Bundles every block in one esbuild run (the packages are parsed once). Returns false when any block
 * fails to bundle; `runBlock` then bundles each block on its own, so the error names its block.
 */
export async function bundleAll(blocks: readonly GeneratedBlock[]): Promise<boolean> {
  try {
    await build(bundleOptions(blocks.map((b) => b.path)))
    return true
  } catch {
    return false
  }
}

/**
 * Runs a block in its own Node process, workspace packages bundled from their sources (`bundled`:
 * `bundleAll` already did that).
 */
export async function runBlock(
  generated: GeneratedBlock,
  env: Record<string, string>,
  timeoutMs: number,
  bundled: boolean,
): Promise<RunResult> {
  const outfile = generated.path.replace(/\.ts$/, '.mjs')
  if (!bundled) await build(bundleOptions([generated.path]))
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--enable-source-maps', outfile], {
      cwd: dirname(outfile),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, timedOut, output })
    })
  })
}
