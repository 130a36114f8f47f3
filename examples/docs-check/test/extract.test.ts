/// <reference types="node" />
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { exampleBlocks, readmeBlocks } from '../src/extract.ts'
import { declaredNames } from '../src/generate.ts'

function fixture(name: string, text: string): { root: string; path: string } {
  const root = mkdtempSync(join(tmpdir(), 'docs-check-'))
  const path = join(root, name)
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, text)
  return { root, path }
}

test('README blocks: ts and js fences with their line and flags; other languages are skipped', () => {
  const { root, path } = fixture(
    'packages/demo/README.md',
    [
      '# demo',
      '',
      '```sh',
      'npm i',
      '```',
      '',
      '```ts',
      'const a = 1',
      '```',
      '```js no-run',
      'b()',
      '```',
      '',
    ].join('\n'),
  )
  const blocks = readmeBlocks(root, path)
  expect(blocks.map((b) => [b.id, b.pkg, b.flags, b.code])).toEqual([
    ['packages/demo/README.md:7', 'demo', [], 'const a = 1\n'],
    ['packages/demo/README.md:10', 'demo', ['no-run'], 'b()\n'],
  ])
})

test('@example blocks: the fenced code after the tag, without the comment stars', () => {
  const source = [
    '/**',
    ' * Says hello.',
    ' * @example',
    ' * ```ts',
    ' * const greeting = hello()',
    ' *',
    ' * console.log(greeting)',
    ' * ```',
    ' * ```ts',
    ' * notAnExample()',
    ' * ```',
    ' */',
    'export function hello(): string {',
    "  return 'hello'",
    '}',
  ].join('\n')
  const { root, path } = fixture('packages/demo/src/hello.ts', source)
  const blocks = exampleBlocks(root, path)
  expect(blocks).toHaveLength(2)
  expect(blocks[0]).toMatchObject({
    id: 'packages/demo/src/hello.ts:4',
    kind: 'example',
    code: 'const greeting = hello()\n\nconsole.log(greeting)\n',
  })
  expect(readFileSync(path, 'utf8').split('\n')[3]).toBe(' * ```ts')
})

test('declaredNames: what a block declares itself is never shadowed by an import or a context', () => {
  const names = declaredNames(
    [
      "import { Chan, type SelectCase as Case } from '@bigbuff/channel'",
      'const buffer = 1',
      'using subscription = pubsub.subscribe()',
      'async function next() {}',
    ].join('\n'),
  )
  for (const name of ['Case', 'Chan', 'buffer', 'next', 'subscription']) expect(names).toContain(name)
  expect(names).not.toContain('pubsub')
})
