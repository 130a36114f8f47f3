/**
 * Live progress: redrawn in place on a terminal, plain log lines otherwise (CI, pipes).
 * `snapshot()` returns { elapsedMs, produced, retained, rows: [{ name, processed, lag }] }.
 */
export function startProgress(snapshot, { stream = process.stdout, interval } = {}) {
  const tty = Boolean(stream.isTTY)
  const every = interval ?? (tty ? 200 : 1000)
  let drawn = 0
  let last = { at: 0, produced: 0 }

  const render = () => {
    const now = snapshot()
    const seconds = (now.elapsedMs - last.at) / 1000
    const rate = seconds > 0 ? Math.round((now.produced - last.produced) / seconds) : 0
    last = { at: now.elapsedMs, produced: now.produced }
    if (!tty) {
      const lags = now.rows.map((row) => `${row.name} lag ${row.lag}`).join(', ')
      stream.write(`[${(now.elapsedMs / 1000).toFixed(1)}s] produced ${now.produced} (${rate}/s), ${lags}\n`)
      return
    }
    const lines = [
      `produced ${String(now.produced).padStart(8)}   ${String(rate).padStart(8)} events/s   retained ${now.retained}`,
      ...now.rows.map(
        (row) =>
          `  ${row.name.padEnd(10)} processed ${String(row.processed).padStart(8)}   lag ${String(row.lag).padStart(7)}`,
      ),
    ]
    if (drawn > 0) stream.write(`\x1b[${drawn}A`)
    for (const line of lines) stream.write(`\x1b[2K${line}\n`)
    drawn = lines.length
  }

  const timer = setInterval(render, every)
  return {
    stop() {
      clearInterval(timer)
      render()
    },
  }
}

/** A plain markdown-style table. */
export function table(header, rows) {
  const widths = header.map((cell, i) =>
    Math.max(String(cell).length, ...rows.map((row) => String(row[i]).length)),
  )
  const line = (cells) => `| ${cells.map((cell, i) => String(cell).padEnd(widths[i])).join(' | ')} |`
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n')
}
