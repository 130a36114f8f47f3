import { readFile } from 'node:fs/promises'
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
 * `something(Name.prototype, …)` / `something(Name, …)`, which move into the wrapper with it.
 * Classes with a `static {}` block are left alone: such a block may do work other code relies on.
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
    if ((computed.length === 0 && last === end) || /^\s+static\s*\{/m.test(body)) {
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
        return contents === source ? undefined : { contents, loader: 'ts' }
      })
    },
  }
}
