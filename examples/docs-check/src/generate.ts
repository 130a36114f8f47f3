import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { CONTEXTS, type Context } from './contexts.ts'
import type { DocBlock } from './extract.ts'

/** Public packages whose exports an `@example` may use without importing them. */
const PACKAGES = [
  'core',
  'async-utils',
  'buffer',
  'channel',
  'consumer',
  'exclusive',
  'workers',
  'redis',
  'test-utils',
]

/** One block written out as a module, with the line where the block's own code starts. */
export interface GeneratedBlock {
  readonly block: DocBlock
  /** Absolute path of the generated `.ts` module. */
  readonly path: string
  /** Number of lines the harness put before the block's first line. */
  readonly headerLines: number
  /** Whether the block (or a context it uses) reads `process.env.REDIS_URL`. */
  readonly needsRedis: boolean
  readonly run: boolean
}

interface Export {
  readonly name: string
  readonly type: boolean
}

/** The names each public package's `src/index.ts` exports (value or type-only). */
export function packageExports(root: string): Map<string, Export[]> {
  const map = new Map<string, Export[]>()
  for (const pkg of PACKAGES) {
    const text = readFileSync(join(root, 'packages', pkg, 'src', 'index.ts'), 'utf8')
    const names: Export[] = []
    for (const match of text.matchAll(/export\s+(type\s+)?\{([^}]*)\}/g)) {
      const allType = match[1] !== undefined
      for (const raw of (match[2] ?? '').split(',')) {
        const part = raw.trim()
        if (part === '') continue
        const type = allType || part.startsWith('type ')
        const name = part
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)
          .pop()
          ?.trim()
        if (name !== undefined && name !== '') names.push({ name, type })
      }
    }
    map.set(pkg, names)
  }
  return map
}

/** Names a block declares itself (so no import or context may shadow them). */
export function declaredNames(code: string): Set<string> {
  const names = new Set<string>()
  const patterns = [
    /\b(?:const|let|var|using|function|class|interface|type)\s+([A-Za-z_$][\w$]*)/g,
    /\bimport\s+(?:type\s+)?\{([^}]*)\}/g,
    /\bimport\s+([A-Za-z_$][\w$]*)\s+from/g,
  ]
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) {
      for (const part of (match[1] ?? '').split(',')) {
        const name = part
          .replace(/^\s*type\s+/, '')
          .split(/\s+as\s+/)
          .pop()
          ?.trim()
        if (name) names.add(name)
      }
    }
  }
  return names
}

function uses(code: string, name: string): boolean {
  return new RegExp(`(?<![\\w$.])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(code)
}

/** The contexts a block needs (with the contexts those need), in declaration order. */
function contextsFor(block: DocBlock, declared: Set<string>): Context[] {
  const chosen: Context[] = []
  const add = (context: Context): void => {
    if (chosen.includes(context)) return
    for (const need of context.needs ?? []) {
      const dependency = CONTEXTS.find((c) => c.name === need && applies(c, block))
      if (dependency !== undefined && !declared.has(need)) add(dependency)
    }
    chosen.push(context)
  }
  for (const context of CONTEXTS) {
    if (!applies(context, block) || declared.has(context.name)) continue
    if (uses(block.code, context.name)) add(context)
  }
  return chosen
}

function applies(context: Context, block: DocBlock): boolean {
  return (
    block.kind === 'example' && (context.packages === undefined || context.packages.includes(block.pkg ?? ''))
  )
}

/**
 * Writes each block as a module under `dir`: the prelude import, for `@example` blocks the package
 * exports the block uses and the contexts (`buffer`, `chan`, …) it refers to without declaring, then the
 * block's code unchanged.
 */
export function generate(root: string, dir: string, blocks: readonly DocBlock[]): GeneratedBlock[] {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const exports = packageExports(root)
  const prelude = relative(dir, join(root, 'examples', 'docs-check', 'src', 'prelude.ts'))
    .split('\\')
    .join('/')
  return blocks.map((block, index) => {
    const declared = declaredNames(block.code)
    const header: string[] = [`import '${prelude.startsWith('.') ? prelude : `./${prelude}`}'`]
    const contexts = contextsFor(block, declared)
    if (block.kind === 'example') {
      const wanted = `${block.code}\n${contexts.map((c) => c.code).join('\n')}`
      const imports = new Map<string, { values: string[]; types: string[] }>()
      // The block's own package first; the private test helpers only for their own examples.
      const order = [block.pkg ?? '', ...PACKAGES.filter((p) => p !== block.pkg && p !== 'test-utils')]
      const taken = new Set(declared)
      for (const pkg of order) {
        for (const item of exports.get(pkg) ?? []) {
          if (taken.has(item.name) || !uses(wanted, item.name)) continue
          taken.add(item.name)
          const entry = imports.get(pkg) ?? { values: [], types: [] }
          ;(item.type ? entry.types : entry.values).push(item.name)
          imports.set(pkg, entry)
        }
      }
      for (const [pkg, { values, types }] of imports) {
        if (values.length > 0) header.push(`import { ${values.join(', ')} } from '@bigbuff/${pkg}'`)
        if (types.length > 0) header.push(`import type { ${types.join(', ')} } from '@bigbuff/${pkg}'`)
      }
      for (const context of contexts) header.push(...context.code.split('\n'))
    }
    header.push(`// ---- ${block.id} ----`)
    const footer = ['', ...contexts.flatMap((c) => (c.after === undefined ? [] : [c.after])), 'export {}', '']
    const slug = `${String(index).padStart(3, '0')}-${block.id.replace(/[^\w]+/g, '-')}`
    const path = join(dir, `${slug}.ts`)
    writeFileSync(path, `${header.join('\n')}\n${block.code}${footer.join('\n')}`)
    const text = `${block.code}\n${contexts.map((c) => c.code).join('\n')}`
    return {
      block,
      path,
      headerLines: header.length,
      needsRedis: text.includes('REDIS_URL'),
      run: !block.flags.includes('no-run'),
    }
  })
}
