import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import type { Plugin } from 'esbuild'

/**
 * Built code names dispose methods through the fallback symbols the shared tsup config injects
 * (`[asyncDispose]() {…}`, `asyncDispose` being `Symbol.asyncDispose ?? Symbol.for(…)`). A
 * computed class key that is a variable counts as a side effect for esbuild, and so does a
 * statement after the class such as `Object.defineProperty(FatalError.prototype, BRAND, …)`:
 * an application bundled with esbuild (or Vite, for the statement) kept every such class,
 * imported or not (`import { Chan }` carried `ChannelConsumer`, `PubSub` and `Topic`).
 *
 * This transform puts each such top-level class, with the statements that decorate it, inside a
 * function called with a `/* @__PURE__ *\/` annotation:
 *
 * ```ts
 * export class PubSub<T> {                 export const PubSub = /* @__PURE__ *\/ (() => { class PubSub<T> {
 *   [Symbol.dispose](): void { … }    →      [Symbol.dispose](): void { … }
 * }                                        } Object.defineProperty(PubSub, 'name', …); return PubSub })()
 * ```
 *
 * which esbuild, Rollup and Rolldown (Vite) all drop when it is unused. The class keeps its name
 * (set again, as bundling renames the inner binding), its prototype and everything it did; only
 * whether it is kept changes. Line numbers stay the same.
 *
 * What is wrapped: a class at column 0 (it ends at the next line that is just `}`, the
 * formatter's layout) with a computed member key other than `Symbol.iterator`/`Symbol.asyncIterator`
 * (which every bundler knows), or followed (blank lines aside) by one-line statements
 * `something(Name.prototype, …)` / `something(Name, …)`, which move into the wrapper with it, or
 * with a `static {}` block, which every bundler keeps as a side effect. A static block is thereby
 * dropped with its class when the class is unused, so it may only prepare what the class's own
 * instances use (a prototype property, the access `Chan` gives its helpers), never state that
 * other code relies on without importing the class.
 */
export function wrapPureClasses(source: string): string {
  const lines = source.split('\n')
  for (let start = 0; start < lines.length; start++) {
    const header = lines[start]?.match(/^(export )?class (\w+)\b/)
    if (header === null || header === undefined || /\}\s*$/.test(lines[start] ?? '')) continue
    const end = lines.findIndex((line, index) => index > start && line === '}')
    if (end === -1) continue
    const [matched, exported = '', name = ''] = header
    const body = lines.slice(start + 1, end).join('\n')
    const computed = [
      ...body.matchAll(/^ {2}(?:static\s+)?(?:(?:get|set|async|readonly)\s+)*\*?\s*\[([^\]]+)\]/gm),
    ]
      .map((key) => key[1])
      .filter((key) => key !== 'Symbol.iterator' && key !== 'Symbol.asyncIterator')
    const decoration = new RegExp(`^[\\w.]+\\(${name}(\\.prototype)?,.*\\)$`)
    let last = end
    for (let next = end + 1; next < lines.length; next++) {
      const line = lines[next] ?? ''
      if (decoration.test(line)) last = next
      else if (line.trim() !== '') break
    }
    if (computed.length === 0 && last === end && !/^ {2}static\s*\{/m.test(body)) {
      start = end
      continue
    }
    lines[start] =
      `${exported}const ${name} = /* @__PURE__ */ (() => { class ${name}${(lines[start] ?? '').slice(matched.length)}`
    // Bundling renames the inner class (`FatalError2`) so that it does not shadow the outer name:
    // restore the name users see in stack traces, the console and `constructor.name`.
    lines[last] =
      `${lines[last]}${last === end ? '' : ';'} Object.defineProperty(${name}, 'name', { value: '${name}' }); return ${name} })()`
    start = last
  }
  return lines.join('\n')
}

/**
 * Marks top-level constants made by `Object.freeze(…)` or `Promise.resolve(…)` as `/* @__PURE__ *\/`.
 * esbuild keeps such a call whenever its module is bundled, used or not; the values are frozen
 * literals and resolved promises, whose creation does nothing else.
 */
export function annotatePureConstants(source: string): string {
  return source.replace(
    /^((?:export )?const \w+(?::[^=\n]+)? = )((?:Object\.freeze|Promise\.resolve)\()/gm,
    '$1/* @__PURE__ */ $2',
  )
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

function vlq(value: number): string {
  let rest = value < 0 ? (-value << 1) | 1 : value << 1
  let out = ''
  do {
    let digit = rest & 31
    rest >>>= 5
    if (rest > 0) digit |= 32
    out += BASE64[digit]
  } while (rest > 0)
  return out
}

/**
 * A source map from the transformed text back to the source, for transforms that keep every line
 * and only insert text inside a line: each token maps to its own place in the source, inserted text
 * to where it was inserted. With it, the built maps show the source as written.
 */
export function lineSourceMap(source: string, transformed: string, file: string): string {
  const before = source.split('\n')
  const after = transformed.split('\n')
  let previousLine = 0
  let previousColumn = 0
  const mappings = after.map((line, index) => {
    const original = before[index] ?? ''
    let suffix = 0
    while (
      suffix < original.length &&
      suffix < line.length &&
      original[original.length - 1 - suffix] === line[line.length - 1 - suffix]
    )
      suffix++
    let prefix = 0
    while (prefix < original.length - suffix && original[prefix] === line[prefix]) prefix++
    const shift = line.length - original.length
    let generated = 0
    return [...line.matchAll(/\w+|[^\w\s]/g)]
      .map(({ index: column }) => {
        const from = column < prefix ? column : column >= line.length - suffix ? column - shift : prefix
        const segment = `${vlq(column - generated)}A${vlq(index - previousLine)}${vlq(from - previousColumn)}`
        generated = column
        previousLine = index
        previousColumn = from
        return segment
      })
      .join(',')
  })
  const map = {
    version: 3,
    sources: [file],
    sourcesContent: [source],
    names: [],
    mappings: mappings.join(';'),
  }
  return `data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}`
}

/**
 * The esbuild plugin for the shared tsup config: applies {@link wrapPureClasses} and
 * {@link annotatePureConstants} to the packages' sources, so that an application's bundler (esbuild,
 * Rollup, Vite) keeps only what the application imports.
 */
export function treeShakeable(): Plugin {
  return {
    name: 'bigbuff-tree-shakeable',
    setup(build) {
      build.onLoad({ filter: /[\\/]packages[\\/][^\\/]+[\\/]src[\\/].*\.ts$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8')
        const contents = annotatePureConstants(wrapPureClasses(source))
        if (contents === source) return undefined
        const map = lineSourceMap(source, contents, basename(args.path))
        return { contents: `${contents}\n//# sourceMappingURL=${map}\n`, loader: 'ts' }
      })
    },
  }
}
