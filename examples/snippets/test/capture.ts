/** Collects what an example prints, one entry per line. */
export function capture(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = []
  return { lines, log: (line) => lines.push(line) }
}
