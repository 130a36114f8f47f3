// Turns measurements into the markdown that is printed and written to RESULTS.md.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'

const PEERS = [
  'p-limit',
  'p-queue',
  'fastq',
  'async-sema',
  'ts-chan',
  'async-channel',
  'it-pushable',
  'queueable',
  'rxjs',
  'channel-ts',
  'promise-coalesce',
  'p-memoize',
  'dataloader',
  // the Redis workload's hand-written loops
  '@redis/client',
]

/** Node, CPU, commit and the pinned peer versions: what a reader needs to know which machine said this. */
export function environment() {
  const pkg = JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8'))
  let commit = 'unknown'
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
  } catch {}
  return {
    node: process.version,
    v8: process.versions.v8,
    cpu: `${os.cpus()[0]?.model.trim() ?? 'unknown CPU'} × ${os.cpus().length}`,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    date: new Date().toISOString().slice(0, 16).replace('T', ' '),
    commit,
    peers: PEERS.map((name) => `${name} ${pkg.devDependencies[name]}`).join(', '),
  }
}

const ms = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2))
function rate(ops, millis) {
  const perSecond = (ops / millis) * 1000
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M/s`
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k/s`
  return `${perSecond.toFixed(0)} /s`
}
function bytes(x) {
  if (x === undefined) return '—'
  const abs = Math.abs(x)
  if (abs < 1024) return `${Math.round(x)} B`
  if (abs < 2 ** 20) return `${(x / 1024).toFixed(1)} KiB`
  return `${(x / 2 ** 20).toFixed(1)} MiB`
}
const ratio = (x) => (x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`)

function timeTable(scenarios, showTicks) {
  const ticksHead = showTicks ? ' timer ticks |' : ''
  const lines = [
    `| scenario | implementation | CPU ms | CPU min–max | wall ms | throughput | retained heap |${ticksHead} ours vs this |`,
    `|---|---|--:|--:|--:|--:|--:|${showTicks ? '--:|' : ''}--:|`,
  ]
  for (const s of scenarios) {
    const base = s.rows.find((r) => r.impl === s.ours && !r.unavailable)
    for (const r of s.rows) {
      if (r.unavailable) {
        lines.push(`| ${s.label} | ${r.impl} | n/a | | | | |${showTicks ? ' |' : ''} ${r.unavailable} |`)
        continue
      }
      const vs = r.impl === s.ours ? '**ours**' : base ? ratio(r.median / base.median) : 'n/a'
      const ticks = showTicks ? ` ${r.ticks ?? '—'} |` : ''
      lines.push(
        `| ${s.label} | ${r.impl === s.ours ? `**${r.impl}**` : r.impl} | ${ms(r.median)} | ` +
          `${ms(r.min)}–${ms(r.max)} | ${ms(r.wall)} | ${rate(s.ops, r.median)} | ${bytes(r.retained)} |${ticks} ${vs} |`,
      )
    }
  }
  return lines
}

function bytesTable(scenarios) {
  const lines = [
    '| scenario | implementation | bytes per item | retained heap | this / ours |',
    '|---|---|--:|--:|--:|',
  ]
  for (const s of scenarios) {
    const base = s.rows.find((r) => r.impl === s.ours && !r.unavailable)
    for (const r of s.rows) {
      if (r.unavailable) {
        lines.push(`| ${s.label} | ${r.impl} | n/a | | ${r.unavailable} |`)
        continue
      }
      const vs = r.impl === s.ours ? '**ours**' : base ? ratio(r.retained / base.retained) : 'n/a'
      const name = r.impl === s.ours ? `**${r.impl}**` : r.impl
      lines.push(
        `| ${s.label} | ${name} | ${(r.retained / s.ops).toFixed(1)} | ${bytes(r.retained)} | ${vs} |`,
      )
    }
  }
  return lines
}

/** One line per target: the ratio or size it asks for, what this run measured, and whether it holds. */
function evaluate(scenario, target) {
  const row = (impl) => scenario.rows.find((r) => r.impl === impl && !r.unavailable)
  // `of` names another of our implementations when the target is about it (default: the scenario's own).
  const ours = row(target.of ?? scenario.ours)
  if (target.vs !== undefined) {
    const peer = row(target.vs)
    if (!ours || !peer) return { measured: 'not measured', met: false }
    const x = peer.median / ours.median
    const fastest = peer.min / ours.min
    return {
      measured: `${ratio(x)} (${ms(ours.median)} ms vs ${ms(peer.median)} ms; fastest runs ${ratio(fastest)})`,
      met: x >= target.atLeast,
    }
  }
  if (!ours) return { measured: 'not measured', met: false }
  if (ours.retained === undefined) return { measured: 'not measured (--quick)', met: false }
  if (target.ticksAtLeast !== undefined) {
    return { measured: `${ours.ticks} timer ticks during the run`, met: ours.ticks >= target.ticksAtLeast }
  }
  if (target.retainedAtMost !== undefined) {
    return { measured: `${bytes(ours.retained)} retained`, met: ours.retained <= target.retainedAtMost }
  }
  const perItem = ours.retained / scenario.ops
  return { measured: `${perItem.toFixed(1)} bytes per ${target.per}`, met: perItem <= target.bytesAtMost }
}

export function renderReport(results, env) {
  const out = [
    '# Benchmark results',
    '',
    `${env.mode === 'full' ? 'Full run' : 'Quick run (small sizes: checks the benchmarks work, not the numbers)'}` +
      ` of \`pnpm bench\` on ${env.date} UTC, commit ${env.commit}.`,
    '',
    `- Node ${env.node} (V8 ${env.v8}), ${env.platform}`,
    `- CPU: ${env.cpu}, ${env.memory} RAM — a shared machine: compare ratios within this run, not absolute times across runs`,
    `- Each implementation ran in ${env.settings.rounds} fresh \`node --expose-gc\` process(es) per scenario,` +
      ` ${env.settings.warmup} warm-up + ${env.settings.runs} timed run(s) back to back, then one more run for the` +
      ` retained heap; implementations interleaved, order rotating each round; the whole run took ${Math.round(env.seconds)} s`,
    `- Peers: ${env.peers}`,
    '',
    'Times are CPU time of the benchmark process (user + system, all threads: GC and JIT included), median' +
      ' over every timed run; wall-clock medians are shown beside them, but on a shared machine other' +
      ' processes inflate wall time, so ratios use CPU time. Throughput is per CPU second.' +
      ' "ours vs this" is this implementation\'s median CPU time divided by ours: above 1× ours is faster.' +
      ' "Retained heap" is the heap still in use after forced GCs once a run finished (and 25 ms of' +
      ' housekeeping timers ran), with the structure still referenced, minus the heap before it was built;' +
      ' figures within ±100 KiB are noise.',
    '',
  ]
  const targets = []
  const missing = []
  results.forEach((workload, i) => {
    out.push(`## ${i + 1}. ${workload.title}`, '', workload.description, '')
    out.push(
      ...(workload.metric === 'bytes'
        ? bytesTable(workload.scenarios)
        : timeTable(workload.scenarios, workload.showTicks)),
      '',
    )
    for (const s of workload.scenarios) {
      for (const r of s.rows)
        if (r.unavailable) missing.push(`${workload.name} / ${s.label} / ${r.impl}: ${r.unavailable}`)
      for (const t of s.targets ?? []) targets.push({ ...t, ...evaluate(s, t) })
    }
  })
  if (targets.length > 0) {
    out.push(
      '## Targets',
      '',
      'Judged on the ratio of medians; the ratio of the fastest runs is shown too, since load from other' +
        ' processes only ever adds time.',
      '',
      '| target | measured | |',
      '|---|---|---|',
    )
    for (const t of targets) out.push(`| ${t.label} | ${t.measured} | ${t.met ? 'met' : '**missed**'} |`)
    out.push('')
  }
  return { markdown: out.join('\n'), missing }
}
