#!/usr/bin/env node
// What `pnpm test` needs besides Node and pnpm: `redis-server` on PATH (the @bigbuff/redis tests
// start their own) and Debian's Chromium at /usr/bin/chromium (the browser example drives it through
// playwright-core). When one is missing, this installs both from Debian if it may (root, apt-get
// present); otherwise it prints the one command to run and exits 1 before any test starts.
// `.ci/run` calls this same script.
//
// Overrides, for the script's own test (scripts/prerequisites.test.mjs) and for unusual machines:
//   BIGBUFF_PREREQ_PATH      the PATH searched for redis-server and apt-get (default: PATH)
//   BIGBUFF_PREREQ_CHROMIUM  where Chromium must be (default: /usr/bin/chromium)
//   BIGBUFF_PREREQ_ROOT      '1' or '0': act as root or not (default: the real user id)
//   BIGBUFF_PREREQ_DRY_RUN   '1': print the install command instead of running it
import { spawnSync } from 'node:child_process'
import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import process from 'node:process'

const env = process.env
const searchPath = env.BIGBUFF_PREREQ_PATH ?? env.PATH ?? ''
const chromiumPath = env.BIGBUFF_PREREQ_CHROMIUM ?? '/usr/bin/chromium'
const isRoot =
  env.BIGBUFF_PREREQ_ROOT !== undefined
    ? env.BIGBUFF_PREREQ_ROOT === '1'
    : typeof process.getuid === 'function' && process.getuid() === 0
const dryRun = env.BIGBUFF_PREREQ_DRY_RUN === '1'

const PACKAGES = ['redis-server', 'chromium']
const COMMAND = `apt-get update && apt-get install -y ${PACKAGES.join(' ')}`

function executable(path) {
  try {
    if (!statSync(path).isFile()) return false
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The full path of `name` on the search path, or undefined. */
function which(name) {
  for (const dir of searchPath.split(delimiter)) {
    if (dir !== '' && executable(join(dir, name))) return join(dir, name)
  }
  return undefined
}

function missing() {
  const result = []
  if (which('redis-server') === undefined) result.push('redis-server')
  if (!executable(chromiumPath)) result.push(`chromium (${chromiumPath})`)
  return result
}

const before = missing()
if (before.length === 0) process.exit(0)

const aptGet = which('apt-get')
if (!isRoot || aptGet === undefined) {
  const as = aptGet === undefined ? 'on Debian/Ubuntu, as root' : 'as root'
  console.error(`prerequisites: the tests need ${before.join(' and ')}; install ${as}: ${COMMAND}`)
  process.exit(1)
}

console.log(`prerequisites: missing ${before.join(' and ')}; installing: ${COMMAND}`)
if (dryRun) {
  console.log('prerequisites: dry run, nothing installed')
  process.exit(0)
}
const run = (args) =>
  spawnSync(aptGet, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
  }).status
if (run(['update', '-qq']) !== 0 || run(['install', '-y', '-qq', ...PACKAGES]) !== 0) {
  console.error(`prerequisites: the install failed; run it yourself: ${COMMAND}`)
  process.exit(1)
}
const after = missing()
if (after.length > 0) {
  console.error(`prerequisites: still missing ${after.join(' and ')} after: ${COMMAND}`)
  process.exit(1)
}
console.log('prerequisites: installed redis-server and chromium')
