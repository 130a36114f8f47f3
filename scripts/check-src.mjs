// Repository checks that no linter knows: browser-safe sources and no stray `export *`.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

const NODE_ONLY = new Set(['redis'])
const NODE_GLOBALS = /\b(process\.|Buffer\.|require\(|__dirname|__filename|setImmediate\()/
const problems = []

function* sources(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) yield* sources(path)
    else if (path.endsWith('.ts') && !/\.(test|test-d|stress\.test)\.ts$/.test(path)) yield path
  }
}

for (const pkg of readdirSync('packages')) {
  const dir = join('packages', pkg, 'src')
  try {
    statSync(dir)
  } catch {
    continue
  }
  for (const file of sources(dir)) {
    const text = readFileSync(file, 'utf8')
    if (/^export \* from/m.test(text)) problems.push(`${file}: use named exports, not export *`)
    if (NODE_ONLY.has(pkg) || pkg === 'test-utils') continue
    if (/from ['"]node:/.test(text))
      problems.push(`${file}: imports a node: module (packages must run in browsers)`)
    const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
    if (NODE_GLOBALS.test(code))
      problems.push(`${file}: uses a Node-only global (${code.match(NODE_GLOBALS)[0]})`)
  }
}

if (problems.length > 0) {
  console.error(problems.join('\n'))
  process.exit(1)
}
console.log('check-src: sources are browser-safe and use named exports')
