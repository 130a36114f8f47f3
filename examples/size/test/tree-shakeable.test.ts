import { describe, expect, it } from 'vitest'
import { annotatePureConstants, lineSourceMap, wrapPureClasses } from '../../../scripts/tree-shakeable.ts'

const lines = (...text: string[]) => text.join('\n')

describe('wrapPureClasses (the build step that keeps classes tree-shakeable)', () => {
  it('wraps a class with a dispose method in a pure call, keeping its name and its line numbers', () => {
    const source = lines(
      "import { x } from './x.js'",
      'export class PubSub<T> implements Disposable {',
      '  close(): void {}',
      '  [Symbol.dispose](): void {',
      '    this.close()',
      '  }',
      '}',
      'export const after = 1',
    )
    const out = wrapPureClasses(source)
    expect(out.split('\n')).toHaveLength(source.split('\n').length)
    expect(out).toBe(
      lines(
        "import { x } from './x.js'",
        'export const PubSub = /* @__PURE__ */ (() => { class PubSub<T> implements Disposable {',
        '  close(): void {}',
        '  [Symbol.dispose](): void {',
        '    this.close()',
        '  }',
        "} Object.defineProperty(PubSub, 'name', { value: 'PubSub' }); return PubSub })()",
        'export const after = 1',
      ),
    )
  })

  it('moves the statements that decorate the class into the wrapper', () => {
    const source = lines(
      'export class FatalError extends Error {',
      '  declare readonly cause: unknown',
      '}',
      '',
      'Object.defineProperty(FatalError.prototype, FATAL, { value: true })',
      '',
      'export function isFatalError() {}',
    )
    expect(wrapPureClasses(source)).toBe(
      lines(
        'export const FatalError = /* @__PURE__ */ (() => { class FatalError extends Error {',
        '  declare readonly cause: unknown',
        '}',
        '',
        "Object.defineProperty(FatalError.prototype, FATAL, { value: true }); Object.defineProperty(FatalError, 'name', { value: 'FatalError' }); return FatalError })()",
        '',
        'export function isFatalError() {}',
      ),
    )
  })

  it('leaves classes every bundler already drops', () => {
    const plain = lines('export class Plain {', '  *[Symbol.iterator]() {}', '  get size() { return 0 }', '}')
    expect(wrapPureClasses(plain)).toBe(plain)
  })

  it('wraps a class with a static block, which bundlers otherwise keep, block and all', () => {
    const withStatic = lines(
      'export class ChannelConsumer<T> {',
      '  #hand = 0',
      '  static {',
      '    Object.defineProperty(ChannelConsumer.prototype, AT_HAND, { get() { return 1 } })',
      '  }',
      '}',
    )
    const out = wrapPureClasses(withStatic).split('\n')
    expect(out).toHaveLength(6)
    expect(out[0]).toBe('export const ChannelConsumer = /* @__PURE__ */ (() => { class ChannelConsumer<T> {')
    expect(out.slice(1, 5)).toEqual(withStatic.split('\n').slice(1, 5))
    expect(out[5]).toBe(
      "} Object.defineProperty(ChannelConsumer, 'name', { value: 'ChannelConsumer' }); return ChannelConsumer })()",
    )
  })

  it('wraps async dispose methods, getters with computed keys and several classes per file', () => {
    const source = lines(
      'class A {',
      '  [Symbol.asyncDispose](): Promise<void> {}',
      '}',
      'export class B {',
      '  get [BRAND](): true { return true }',
      '}',
    )
    const out = wrapPureClasses(source).split('\n')
    expect(out[0]).toBe('const A = /* @__PURE__ */ (() => { class A {')
    expect(out[3]).toBe('export const B = /* @__PURE__ */ (() => { class B {')
    expect(out[5]).toMatch(/^\} Object\.defineProperty\(B, 'name', \{ value: 'B' \}\); return B \}\)\(\)$/)
  })
})

describe('annotatePureConstants', () => {
  it('marks frozen literals and resolved promises made at the top level', () => {
    const source = lines(
      "const EMPTY: ReceiveResult<never> = Object.freeze({ state: 'empty' })",
      'export const DONE = Object.freeze({ done: true })',
      'const RESOLVED: Promise<void> = Promise.resolve()',
      'const other = Object.freeze(make())',
      '  const inner = Promise.resolve()',
    )
    expect(annotatePureConstants(source).split('\n')).toEqual([
      "const EMPTY: ReceiveResult<never> = /* @__PURE__ */ Object.freeze({ state: 'empty' })",
      'export const DONE = /* @__PURE__ */ Object.freeze({ done: true })',
      'const RESOLVED: Promise<void> = /* @__PURE__ */ Promise.resolve()',
      'const other = /* @__PURE__ */ Object.freeze(make())',
      '  const inner = Promise.resolve()',
    ])
  })
})

/** Decodes a source map's mappings into [generated line, generated column, source line, source column]. */
function decode(mappings: string): [number, number, number, number][] {
  const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  const out: [number, number, number, number][] = []
  let sourceLine = 0
  let sourceColumn = 0
  mappings.split(';').forEach((line, generatedLine) => {
    let column = 0
    for (const segment of line.split(',').filter(Boolean)) {
      const values: number[] = []
      let value = 0
      let shift = 0
      for (const char of segment) {
        const digit = digits.indexOf(char)
        value += (digit & 31) << shift
        shift += 5
        if ((digit & 32) === 0) {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1)
          value = 0
          shift = 0
        }
      }
      column += values[0] ?? 0
      sourceLine += values[2] ?? 0
      sourceColumn += values[3] ?? 0
      out.push([generatedLine, column, sourceLine, sourceColumn])
    }
  })
  return out
}

describe('lineSourceMap', () => {
  it('maps every token of the transformed text to the same token of the source', () => {
    const source = lines(
      'export class PubSub {',
      '  [Symbol.dispose](): void {',
      '    this.close()',
      '  }',
      '}',
    )
    const transformed = wrapPureClasses(source)
    const url = lineSourceMap(source, transformed, 'pub-sub.ts')
    const map = JSON.parse(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64').toString()) as {
      sources: string[]
      sourcesContent: string[]
      mappings: string
    }
    expect(map.sources).toEqual(['pub-sub.ts'])
    expect(map.sourcesContent).toEqual([source])
    const segments = decode(map.mappings)
    const at = (line: number, token: string) => {
      const column = (transformed.split('\n')[line] ?? '').lastIndexOf(token)
      return segments.find(([l, c]) => l === line && c === column)?.slice(2)
    }
    expect(at(0, 'class')).toEqual([0, 7])
    expect(at(0, 'PubSub {')).toEqual([0, 13])
    expect(at(0, 'const')).toEqual([0, 6])
    expect(at(2, 'close')).toEqual([2, 9])
    expect(at(4, 'return')).toEqual([4, 1])
  })
})
