// The packages as users get them: every public package packed (`pnpm pack`), its tarball checked
// (only dist/, no source export condition, no workspace dependency, source maps inside the
// package), then installed with npm into projects outside the workspace that type-check with
// `skipLibCheck: false`, `strict` and `exactOptionalPropertyTypes` on TypeScript 5.2 and on the
// newest 5.x, and run: Node ESM (nodenext), Node CommonJS (nodenext, `require`), and a browser
// bundle (`lib: ["ES2022", "DOM"]`, no @types/node), with and without esnext.disposable.
import { execFile } from 'node:child_process'
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
import { dirname, join, relative, resolve, sep } from 'node:path'
import { promisify } from 'node:util'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = resolve(import.meta.dirname, '../../..')
const fixtures = resolve(import.meta.dirname, '../fixtures')
const PACKAGES = ['async-utils', 'buffer', 'channel', 'consumer', 'core', 'exclusive', 'redis', 'workers']
/** The oldest TypeScript the packages support and the newest 5.x. */
const TYPESCRIPT = { '5.2': '5.2.2', '5.9': '5.9.3' } as const
const TYPES_NODE = '20.19.43'
/** Installed once per machine and reused by later runs. */
const typescriptCache = join(tmpdir(), 'bigbuff-pack-check-typescript')

let work: string
let project: string
const tarballs = new Map<string, string>()

async function installTypeScript(): Promise<void> {
  const ready = Object.entries(TYPESCRIPT).every(([alias, version]) => {
    const manifest = join(typescriptCache, 'node_modules', `typescript-${alias}`, 'package.json')
    return existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version === version
  })
  if (ready) return
  mkdirSync(typescriptCache, { recursive: true })
  const dependencies = Object.fromEntries(
    Object.entries(TYPESCRIPT).map(([alias, version]) => [
      `typescript-${alias}`,
      `npm:typescript@${version}`,
    ]),
  )
  writeFileSync(join(typescriptCache, 'package.json'), JSON.stringify({ private: true, dependencies }))
  await run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: typescriptCache })
}

async function pack(name: string, destination: string): Promise<void> {
  const dir = join(root, 'packages', name)
  if (!existsSync(join(dir, 'dist', 'index.js')))
    throw new Error(`packages/${name} has no dist/: run pnpm build first (pnpm test builds it)`)
  const { stdout } = await run('pnpm', ['pack', '--pack-destination', destination], { cwd: dir })
  const tarball = stdout.trim().split('\n').pop() as string
  tarballs.set(name, resolve(dir, tarball))
}

const STRICT = {
  target: 'ES2022',
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: false,
}

/** A fixture directory with the shared code and its entry point; `type` is its package.json's. */
function fixture(name: string, main: string, type?: 'module' | 'commonjs'): void {
  const dir = join(project, name)
  mkdirSync(dir)
  cpSync(join(fixtures, 'shared.ts'), join(dir, 'shared.ts'))
  cpSync(join(fixtures, main), join(dir, 'main.ts'))
  if (type !== undefined) writeFileSync(join(dir, 'package.json'), JSON.stringify({ type }))
}

function tsconfig(name: string, compilerOptions: object, files: string[]): void {
  writeFileSync(
    join(project, `tsconfig.${name}.json`),
    JSON.stringify({ compilerOptions: { ...STRICT, ...compilerOptions }, files }),
  )
}

async function tsc(version: keyof typeof TYPESCRIPT, dir: string, ...args: string[]) {
  const bin = join(typescriptCache, 'node_modules', `typescript-${version}`, 'bin', 'tsc')
  try {
    return await run(process.execPath, [bin, '-p', join(project, `tsconfig.${dir}.json`), ...args], {
      cwd: project,
    })
  } catch (error) {
    const { stdout, stderr } = error as { stdout: string; stderr: string }
    throw new Error(`tsc ${version} in ${dir} failed:\n${stdout}${stderr}`)
  }
}

async function node(file: string): Promise<string> {
  const { stdout } = await run(process.execPath, [file], { cwd: project })
  return stdout.trim()
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'bigbuff-pack-check-'))
  project = join(work, 'project')
  mkdirSync(join(work, 'tarballs'))
  mkdirSync(project)
  await Promise.all([installTypeScript(), ...PACKAGES.map((name) => pack(name, join(work, 'tarballs')))])
  writeFileSync(join(project, 'package.json'), JSON.stringify({ private: true }))
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      ...tarballs.values(),
      `@types/node@${TYPES_NODE}`,
    ],
    { cwd: project },
  )
  // One program for both Node projects: nodenext picks ESM or CommonJS by each package.json.
  fixture('esm', 'node.ts', 'module')
  fixture('cjs', 'node.ts', 'commonjs')
  const nodeOptions = { module: 'nodenext', moduleResolution: 'nodenext', lib: ['ES2022'], types: ['node'] }
  tsconfig('node', nodeOptions, ['esm/main.ts', 'cjs/main.ts'])
  fixture('browser', 'browser.ts')
  fixture('browser-disposable', 'browser-disposable.ts')
  // module: esnext rather than preserve, which TypeScript 5.2 does not know.
  const bundler = { module: 'esnext', moduleResolution: 'bundler', types: [], noEmit: true }
  tsconfig('browser', { ...bundler, lib: ['ES2022', 'DOM'] }, ['browser/main.ts'])
  tsconfig('browser-disposable', { ...bundler, lib: ['ES2022', 'DOM', 'ESNext.Disposable'] }, [
    'browser-disposable/main.ts',
  ])
}, 300_000)

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true })
})

describe('the packed tarballs', () => {
  it('contain dist/ and the manifest only', async () => {
    for (const [name, tarball] of tarballs) {
      const { stdout } = await run('tar', ['-tzf', tarball])
      const files = stdout.trim().split('\n').sort()
      expect(
        files.filter((file) => !/^package\/(dist\/[^/]+|package\.json|README\.md|LICENSE)$/.test(file)),
        name,
      ).toEqual([])
      expect(files, name).toContain('package/dist/index.d.cts')
    }
  })

  it('publish manifests without the source condition or workspace dependencies', () => {
    for (const name of PACKAGES) {
      const manifest = JSON.parse(
        readFileSync(join(project, 'node_modules', '@bigbuff', name, 'package.json'), 'utf8'),
      )
      const text = JSON.stringify(manifest)
      expect(text, name).not.toContain('@bigbuff/source')
      expect(text, name).not.toContain('workspace:')
      const runtime = JSON.stringify([manifest.dependencies, manifest.peerDependencies])
      expect(runtime, name).not.toContain('@bigbuff/internal')
      expect(manifest.exports['.'], name).toEqual({
        import: { types: './dist/index.d.ts', default: './dist/index.js' },
        require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
      })
    }
  })

  it('carry source maps whose sources are inside the package, with their text', () => {
    for (const name of PACKAGES) {
      const dir = join(project, 'node_modules', '@bigbuff', name)
      const maps = readdirSync(join(dir, 'dist')).filter((file) => file.endsWith('.map'))
      expect(maps.length, name).toBe(2)
      for (const file of maps) {
        const map = JSON.parse(readFileSync(join(dir, 'dist', file), 'utf8'))
        for (const source of map.sources as string[]) {
          const inside = relative(dir, resolve(dir, 'dist', source))
          expect(inside.startsWith(`..${sep}`) || inside === '..', `${name}/${file}: ${source}`).toBe(false)
        }
        expect(map.sourcesContent.length).toBe(map.sources.length)
        expect(
          map.sourcesContent.every((text: unknown) => typeof text === 'string'),
          name,
        ).toBe(true)
      }
      for (const file of readdirSync(join(dir, 'dist')).filter((file) => !file.endsWith('.map')))
        expect(readFileSync(join(dir, 'dist', file), 'utf8'), `${name}/${file}`).not.toContain(
          '@bigbuff/internal',
        )
    }
  })
})

describe.each(Object.keys(TYPESCRIPT) as (keyof typeof TYPESCRIPT)[])('TypeScript %s', (version) => {
  it('type-checks and runs Node ESM and CommonJS projects (nodenext, await using)', async () => {
    const out = join(project, `out-${version}`)
    await tsc(version, 'node', '--outDir', out)
    writeFileSync(join(out, 'esm', 'package.json'), JSON.stringify({ type: 'module' }))
    writeFileSync(join(out, 'cjs', 'package.json'), JSON.stringify({ type: 'commonjs' }))
    expect(readFileSync(join(out, 'esm', 'main.js'), 'utf8')).toContain("from '@bigbuff/channel'")
    expect(readFileSync(join(out, 'cjs', 'main.js'), 'utf8')).toContain('require("@bigbuff/channel")')
    const all = 'ok async-utils buffer consumer channel core exclusive workers redis await using'
    expect(await node(join(out, 'esm', 'main.js'))).toBe(all)
    expect(await node(join(out, 'cjs', 'main.js'))).toBe(all)
  })

  it('type-checks a browser project without @types/node or esnext.disposable', async () => {
    const { stdout } = await tsc(version, 'browser', '--listFiles')
    expect(stdout).toContain('lib.dom.d.ts')
    expect(stdout).not.toContain('@types/node')
    expect(stdout).not.toContain('lib.esnext.disposable.d.ts')
  })

  it('type-checks a browser project with esnext.disposable (await using)', async () => {
    await tsc(version, 'browser-disposable')
  })
})

describe('browser bundles', () => {
  it.each(['browser', 'browser-disposable'])('%s bundles for the browser and runs', async (name) => {
    const outfile = join(project, name, 'bundle.mjs')
    await build({
      entryPoints: [join(project, name, 'main.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      outfile,
      logLevel: 'silent',
      absWorkingDir: dirname(outfile),
    })
    expect(readFileSync(outfile, 'utf8')).not.toMatch(/from ["']node:/)
    const extra = name === 'browser-disposable' ? ' await using' : ''
    expect(await node(outfile)).toBe(`ok async-utils buffer consumer channel core exclusive workers${extra}`)
  })
})
