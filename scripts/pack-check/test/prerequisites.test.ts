// scripts/prerequisites.mjs, the first step of `pnpm test` and `.ci/run`: both branches (install
// when root with apt-get; otherwise one line naming the command, exit 1) on fake binaries in a temp
// directory, so nothing is removed from or installed on the machine.
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

const SCRIPT = new URL('../../prerequisites.mjs', import.meta.url).pathname
const COMMAND = 'apt-get update && apt-get install -y redis-server chromium'

let dir: string
let bin: string
let chromium: string

function fakeExecutable(path: string, body = 'exit 0'): void {
  writeFileSync(path, `#!/bin/sh\n${body}\n`)
  chmodSync(path, 0o755)
}

/** A fake apt-get that logs its arguments and, on `install`, creates the two programs. */
function fakeAptGet(): void {
  fakeExecutable(
    join(bin, 'apt-get'),
    [
      `echo "$@" >> '${join(dir, 'apt.log')}'`,
      'if [ "$1" = install ]; then',
      `  printf '#!/bin/sh\\n' > '${join(bin, 'redis-server')}'; chmod 755 '${join(bin, 'redis-server')}'`,
      `  printf '#!/bin/sh\\n' > '${chromium}'; chmod 755 '${chromium}'`,
      'fi',
    ].join('\n'),
  )
}

function run(env: Record<string, string>) {
  const result = spawnSync(process.execPath, [SCRIPT], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      BIGBUFF_PREREQ_PATH: bin,
      BIGBUFF_PREREQ_CHROMIUM: chromium,
      ...env,
    },
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bigbuff-prereq-'))
  bin = join(dir, 'bin')
  mkdirSync(bin)
  chromium = join(dir, 'chromium')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('prerequisites', () => {
  it('does nothing when redis-server and chromium are there', () => {
    fakeExecutable(join(bin, 'redis-server'))
    fakeExecutable(chromium)
    fakeAptGet()
    expect(run({ BIGBUFF_PREREQ_ROOT: '1' })).toEqual({ status: 0, stdout: '', stderr: '' })
  })

  it('names the exact command in one line and exits 1 when not root', () => {
    fakeExecutable(join(bin, 'redis-server'))
    fakeAptGet()
    const result = run({ BIGBUFF_PREREQ_ROOT: '0' })
    expect(result.status).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      `prerequisites: the tests need chromium (${chromium}); install as root: ${COMMAND}`,
    ])
  })

  it('names both programs and the command when root but without apt-get', () => {
    const result = run({ BIGBUFF_PREREQ_ROOT: '1' })
    expect(result.status).toBe(1)
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      `prerequisites: the tests need redis-server and chromium (${chromium}); install on Debian/Ubuntu, as root: ${COMMAND}`,
    ])
  })

  it('installs both with apt-get when root', () => {
    fakeAptGet()
    const result = run({ BIGBUFF_PREREQ_ROOT: '1' })
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(readFileSync(join(dir, 'apt.log'), 'utf8')).toBe(
      'update -qq\ninstall -y -qq redis-server chromium\n',
    )
    expect(result.stdout).toContain(`installing: ${COMMAND}`)
    // A second run finds both and stays silent.
    expect(run({ BIGBUFF_PREREQ_ROOT: '1' })).toEqual({ status: 0, stdout: '', stderr: '' })
  })

  it('fails with the command when apt-get does not bring the programs', () => {
    fakeExecutable(join(bin, 'apt-get'), `echo "$@" >> '${join(dir, 'apt.log')}'`)
    const result = run({ BIGBUFF_PREREQ_ROOT: '1' })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(`still missing redis-server and chromium (${chromium}) after: ${COMMAND}`)
  })

  it('fails with the command when apt-get fails', () => {
    fakeExecutable(join(bin, 'apt-get'), 'exit 100')
    const result = run({ BIGBUFF_PREREQ_ROOT: '1' })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(`the install failed; run it yourself: ${COMMAND}`)
  })

  it('only prints the command in a dry run', () => {
    fakeAptGet()
    const result = run({ BIGBUFF_PREREQ_ROOT: '1', BIGBUFF_PREREQ_DRY_RUN: '1' })
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('dry run, nothing installed')
    expect(() => readFileSync(join(dir, 'apt.log'))).toThrow()
  })
})
