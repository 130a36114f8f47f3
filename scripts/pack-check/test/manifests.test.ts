// scripts/check-manifests.mjs (run by `pnpm lint`) on a copy of the repository's manifests.
import { spawnSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../../..')
const SCRIPT = join(root, 'scripts', 'check-manifests.mjs')
let copy: string

function check() {
  const result = spawnSync(process.execPath, [SCRIPT, copy], { encoding: 'utf8' })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

function edit(dir: string, change: (manifest: Record<string, unknown>) => void): void {
  const file = join(copy, 'packages', dir, 'package.json')
  const manifest = JSON.parse(readFileSync(file, 'utf8'))
  change(manifest)
  writeFileSync(file, JSON.stringify(manifest))
}

beforeEach(() => {
  copy = mkdtempSync(join(tmpdir(), 'bigbuff-manifests-'))
  cpSync(join(root, 'package.json'), join(copy, 'package.json'))
  for (const dir of readdirSync(join(root, 'packages'))) {
    const file = join(root, 'packages', dir, 'package.json')
    if (!existsSync(file)) continue
    mkdirSync(join(copy, 'packages', dir), { recursive: true })
    cpSync(file, join(copy, 'packages', dir, 'package.json'))
  }
})
afterEach(() => rmSync(copy, { recursive: true, force: true }))

describe('check-manifests', () => {
  it('accepts the repository manifests', () => {
    expect(check()).toEqual({
      status: 0,
      stdout: 'check-manifests: 8 published manifests match the template\n',
      stderr: '',
    })
  })

  it('names a field that differs from the template', () => {
    edit('channel', (manifest) => {
      manifest.files = ['dist', 'src']
    })
    const result = check()
    expect(result.status).toBe(1)
    expect(result.stderr).toBe('packages/channel/package.json: "files" must be ["dist"], is ["dist","src"]\n')
  })

  it('refuses a published exports map that carries the source condition', () => {
    edit('core', (manifest) => {
      const publish = manifest.publishConfig as { exports: Record<string, Record<string, unknown>> }
      ;(publish.exports['.'] as Record<string, unknown>)['@bigbuff/source'] = './src/index.ts'
    })
    const result = check()
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('packages/core/package.json: "publishConfig" must be')
  })

  it('refuses unexpected fields, a wrong name and a pinned workspace dependency', () => {
    edit('workers', (manifest) => {
      manifest.name = '@bigbuff/worker'
      manifest.browser = './dist/index.js'
      manifest.dependencies = { '@bigbuff/core': 'workspace:*' }
    })
    const lines = check().stderr.trimEnd().split('\n')
    expect(lines).toEqual([
      'packages/workers/package.json: unexpected field "browser"',
      'packages/workers/package.json: "name" must be "@bigbuff/workers"',
      'packages/workers/package.json: dependencies "@bigbuff/core" must be "workspace:^", is "workspace:*"',
    ])
  })

  it('skips private packages', () => {
    edit('internal', (manifest) => {
      manifest.files = ['anything']
    })
    expect(check().status).toBe(0)
  })
})
