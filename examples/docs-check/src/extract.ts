import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

/** One code block found in the docs: a README usage block or a TSDoc `@example`. */
export interface DocBlock {
  /** Where it is, for test names and messages: `packages/exclusive/README.md:14`. */
  readonly id: string
  /** Repository-relative file the block comes from. */
  readonly file: string
  /** 1-based line of the opening fence in `file`. */
  readonly line: number
  /** The package directory name (`exclusive`) when the block belongs to one package. */
  readonly pkg: string | undefined
  readonly kind: 'readme' | 'example'
  /** Words after the language in the info string (` ```ts no-run ` gives `['no-run']`). */
  readonly flags: readonly string[]
  readonly code: string
}

const LANGS = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs'])

/** Finds every README usage block and every TSDoc `@example` of the workspace rooted at `root`. */
export function extractAll(root: string): DocBlock[] {
  const blocks: DocBlock[] = []
  for (const file of readmes(root)) {
    blocks.push(...readmeBlocks(root, file))
  }
  for (const file of sources(root)) {
    blocks.push(...exampleBlocks(root, file))
  }
  return blocks
}

/** The root README, every package's README and the examples' READMEs. */
export function readmes(root: string): string[] {
  const files = [join(root, 'README.md')]
  for (const dir of ['packages', 'examples']) {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const file = join(root, dir, name, 'README.md')
      if (existsSync(file)) files.push(file)
    }
  }
  return files
}

function* sources(root: string): Generator<string> {
  for (const name of readdirSync(join(root, 'packages')).sort()) {
    const dir = join(root, 'packages', name, 'src')
    if (existsSync(dir)) yield* walk(dir)
  }
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) yield* walk(path)
    else if (path.endsWith('.ts') && !/\.(test|test-d|stress\.test)\.ts$/.test(path)) yield path
  }
}

function packageOf(rel: string): string | undefined {
  const match = /^packages\/([^/]+)\//.exec(rel)
  return match?.[1]
}

/** Fenced ```ts / ```js blocks of a Markdown file. */
export function readmeBlocks(root: string, path: string): DocBlock[] {
  const file = relative(root, path).split('\\').join('/')
  return fences(readFileSync(path, 'utf8').split('\n'), 0).map((fence) => ({
    id: `${file}:${fence.line}`,
    file,
    line: fence.line,
    pkg: packageOf(file),
    kind: 'readme',
    flags: fence.flags,
    code: fence.code,
  }))
}

/** Fenced blocks that follow an `@example` tag inside `/** … *\/` comments of a source file. */
export function exampleBlocks(root: string, path: string): DocBlock[] {
  const file = relative(root, path).split('\\').join('/')
  const lines = readFileSync(path, 'utf8').split('\n')
  const blocks: DocBlock[] = []
  let inExample = false
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? ''
    if (/^\s*\*\s*@example\b/.test(text)) {
      inExample = true
      continue
    }
    if (inExample && /^\s*\*\s*@\w/.test(text)) inExample = false
    if (/\*\//.test(text)) inExample = false
    if (!inExample) continue
    const open = /^\s*\*\s?```(\S*)(.*)$/.exec(text)
    if (open === null) continue
    const lang = open[1] ?? ''
    const body: string[] = []
    let j = i + 1
    for (; j < lines.length; j++) {
      const inner = lines[j] ?? ''
      if (/^\s*\*\s?```\s*$/.test(inner)) break
      body.push(inner.replace(/^\s*\*( |$)/, ''))
    }
    if (LANGS.has(lang)) {
      blocks.push({
        id: `${file}:${i + 1}`,
        file,
        line: i + 1,
        pkg: packageOf(file),
        kind: 'example',
        flags: (open[2] ?? '').trim().split(/\s+/).filter(Boolean),
        code: `${body.join('\n')}\n`,
      })
    }
    i = j
  }
  return blocks
}

interface Fence {
  line: number
  flags: string[]
  code: string
}

function fences(lines: string[], offset: number): Fence[] {
  const found: Fence[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)(.*)$/.exec(lines[i] ?? '')
    if (open === null) continue
    const indent = open[1]?.length ?? 0
    const body: string[] = []
    let j = i + 1
    for (; j < lines.length; j++) {
      if (/^\s*```\s*$/.test(lines[j] ?? '')) break
      body.push((lines[j] ?? '').slice(indent))
    }
    if (LANGS.has(open[2] ?? '')) {
      found.push({
        line: offset + i + 1,
        flags: (open[3] ?? '').trim().split(/\s+/).filter(Boolean),
        code: `${body.join('\n')}\n`,
      })
    }
    i = j
  }
  return found
}
