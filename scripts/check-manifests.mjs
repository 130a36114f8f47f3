// Checks every published package's package.json against one template, so the manifests differ
// only where a package does: its name, description, dependencies and version. Run by `pnpm lint`;
// takes the repository root as an optional argument (scripts/pack-check's test points it at a copy).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { isDeepStrictEqual } from 'node:util'

const root = resolve(process.argv[2] ?? '.')
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

const conditions = {
  import: { types: './dist/index.d.ts', default: './dist/index.js' },
  require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
}

/** Fields every published manifest has, with exactly these values (`dir` is the package's folder). */
const template = (dir) => ({
  license: 'MIT',
  keywords: ['bigbuff', 'concurrency', 'async'],
  repository: {
    type: 'git',
    url: 'git+https://github.com/bigbuff/bigbuff-ts.git',
    directory: `packages/${dir}`,
  },
  type: 'module',
  sideEffects: false,
  engines: rootManifest.engines,
  // In the workspace, tests and type checks resolve the TypeScript sources through the
  // `@bigbuff/source` condition; the published manifest (publishConfig) has only the builds.
  exports: {
    '.': { '@bigbuff/source': './src/index.ts', ...conditions },
    './package.json': './package.json',
  },
  main: './dist/index.cjs',
  module: './dist/index.js',
  types: './dist/index.d.cts',
  files: ['dist'],
  scripts: {
    build: 'tsup',
    typecheck: 'tsc -p tsconfig.json',
    test: 'vitest run --coverage',
    coverage: 'vitest run --coverage --coverage.reporter=text --coverage.reporter=html',
    lint: 'publint --strict && attw --pack .',
  },
  publishConfig: {
    access: 'public',
    exports: { '.': conditions, './package.json': './package.json' },
  },
})

/** Fields a manifest may have besides the template's. */
const OWN = new Set(['name', 'version', 'description', 'dependencies', 'devDependencies'])
/** The order the fields appear in, so every manifest reads the same. */
const ORDER = [
  'name',
  'version',
  'description',
  'license',
  'keywords',
  'repository',
  'type',
  'sideEffects',
  'engines',
  'exports',
  'main',
  'module',
  'types',
  'files',
  'scripts',
  'dependencies',
  'devDependencies',
  'publishConfig',
]

const problems = []
let checked = 0
for (const dir of readdirSync(join(root, 'packages')).sort()) {
  const file = join(root, 'packages', dir, 'package.json')
  if (!existsSync(file)) continue
  const manifest = JSON.parse(readFileSync(file, 'utf8'))
  if (manifest.private === true) continue
  checked++
  const where = `packages/${dir}/package.json`
  const expected = template(dir)
  for (const [field, value] of Object.entries(expected)) {
    if (!isDeepStrictEqual(manifest[field], value))
      problems.push(
        `${where}: "${field}" must be ${JSON.stringify(value)}, is ${JSON.stringify(manifest[field])}`,
      )
  }
  for (const field of Object.keys(manifest)) {
    if (!(field in expected) && !OWN.has(field)) problems.push(`${where}: unexpected field "${field}"`)
  }
  const order = Object.keys(manifest).filter((field) => ORDER.includes(field))
  const sorted = [...order].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b))
  if (!isDeepStrictEqual(order, sorted))
    problems.push(`${where}: fields must come in the order ${sorted.join(', ')}`)
  if (manifest.name !== `@bigbuff/${dir}`) problems.push(`${where}: "name" must be "@bigbuff/${dir}"`)
  if (typeof manifest.version !== 'string') problems.push(`${where}: "version" is missing`)
  if (typeof manifest.description !== 'string' || manifest.description.length === 0)
    problems.push(`${where}: "description" is missing`)
  for (const [kind, range] of [
    ['dependencies', 'workspace:^'],
    ['devDependencies', 'workspace:*'],
  ]) {
    for (const [name, spec] of Object.entries(manifest[kind] ?? {})) {
      if (name.startsWith('@bigbuff/') && spec !== range)
        problems.push(`${where}: ${kind} "${name}" must be "${range}", is "${spec}"`)
    }
  }
  if ('@bigbuff/internal' in (manifest.dependencies ?? {}))
    problems.push(`${where}: @bigbuff/internal is bundled, so it belongs in devDependencies`)
}

if (checked === 0) problems.push(`no published package found under ${join(root, 'packages')}`)
if (problems.length > 0) {
  console.error(problems.join('\n'))
  process.exit(1)
}
console.log(`check-manifests: ${checked} published manifests match the template`)
