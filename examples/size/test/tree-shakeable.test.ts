import { describe, expect, it } from 'vitest'
import { annotatePureConstants, wrapPureClasses } from '../../../scripts/tree-shakeable.ts'

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

  it('leaves classes every bundler already drops, and classes with a static block', () => {
    const plain = lines('export class Plain {', '  *[Symbol.iterator]() {}', '  get size() { return 0 }', '}')
    expect(wrapPureClasses(plain)).toBe(plain)
    const withStatic = lines(
      'class Chan {',
      '  [Symbol.dispose]() {}',
      '  static {',
      '    internals = {}',
      '  }',
      '}',
    )
    expect(wrapPureClasses(withStatic)).toBe(withStatic)
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
