/// <reference types="node" />
import { heapAfterGc, mib } from './memory.js'

/** Heap figures of one soak run, printed so `pnpm test:stress` shows them. */
export class HeapLog {
  readonly #name: string
  readonly #started = performance.now()
  baseline = 0
  peak = 0
  readonly #samples: { label: string; bytes: number }[] = []

  constructor(name: string) {
    this.#name = name
  }

  async start(): Promise<void> {
    this.baseline = await heapAfterGc()
  }

  /** Heap in use right now, without collecting: tracks the peak of live data plus garbage. */
  sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage().heapUsed)
  }

  /** Heap retained after a full collection, recorded under `label`. */
  async retained(label: string): Promise<number> {
    const bytes = await heapAfterGc()
    this.#samples.push({ label, bytes })
    return bytes
  }

  print(extra: Record<string, string | number> = {}): void {
    const seconds = (performance.now() - this.#started) / 1000
    const parts = [
      `baseline ${mib(this.baseline)}`,
      `peak in use ${mib(this.peak)}`,
      ...this.#samples.map((s) => `${s.label} ${mib(s.bytes)} (${signed(s.bytes - this.baseline)})`),
      ...Object.entries(extra).map(([k, v]) => `${k} ${v}`),
      `${seconds.toFixed(1)} s`,
    ]
    console.log(`[soak] ${this.#name}: ${parts.join(', ')}`)
  }
}

function signed(bytes: number): string {
  return `${bytes >= 0 ? '+' : '-'}${mib(Math.abs(bytes))}`
}
