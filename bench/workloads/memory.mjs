// 5. Memory: heap held per retained value, per queued job and per buffered channel value.
import { expect, ours } from '../shared.mjs'

export const title = 'Memory'
export const metric = 'bytes'
export const description = [
  'Heap still in use (after forced GCs) per item held, with the structure referenced. Values are small integers,',
  "which V8 stores inline, so the figures are the container's own cost per item. Queued jobs sit behind one job",
  'that never finishes at concurrency 1; the callers drop the promises they got (the limiter still holds them).',
  'ts-chan needs a finite capacity, so it gets exactly n slots. A plain Array is the floor for a JavaScript list.',
].join(' ')

const never = () => new Promise(() => {})
const task = async () => 1

function queued(n, submit) {
  submit(never)
  for (let i = 0; i < n; i++) submit(task)
}

const jobs = {
  'Workers.call': async () => {
    const Workers = await ours('@bigbuff/workers', 'Workers')
    return (n) => {
      const workers = new Workers()
      queued(n, (work) => workers.call(1, work))
      // The blocking job may start at once or in a microtask: either way n jobs or n + 1 are queued.
      expect(workers.pending - (workers.pending > n ? 1 : 0), n, 'Workers.pending')
      return workers
    }
  },
  'p-limit': async () => {
    const { default: pLimit } = await import('p-limit')
    return (n) => {
      const limit = pLimit(1)
      queued(n, (work) => limit(work))
      return limit
    }
  },
  'p-queue': async () => {
    const { default: PQueue } = await import('p-queue')
    return (n) => {
      const queue = new PQueue({ concurrency: 1 })
      queued(n, (work) => queue.add(work))
      return queue
    }
  },
  'fastq (promise)': async () => {
    const { default: fastq } = await import('fastq')
    return (n) => {
      const queue = fastq.promise((work) => work(), 1)
      queued(n, (work) => queue.push(work))
      return queue
    }
  },
}

const values = {
  BigBuffer: async () => {
    const BigBuffer = await ours('@bigbuff/buffer', 'BigBuffer')
    return async (n) => {
      const buffer = new BigBuffer()
      for (let i = 0; i < n; i++) await buffer.put(i)
      expect(buffer.size, n, 'BigBuffer.size')
      return buffer
    }
  },
  'rxjs ReplaySubject': async () => {
    const { ReplaySubject } = await import('rxjs')
    return (n) => {
      const subject = new ReplaySubject()
      for (let i = 0; i < n; i++) subject.next(i)
      return subject
    }
  },
  'it-pushable': async () => pushed(),
  Array: async () => (n) => {
    const array = []
    for (let i = 0; i < n; i++) array.push(i)
    return array
  },
}

const buffered = {
  'Chan(Infinity)': async () => {
    const Chan = await ours('@bigbuff/channel', 'Chan')
    return (n) => {
      const chan = new Chan(Number.POSITIVE_INFINITY)
      for (let i = 0; i < n; i++) chan.trySend(i)
      expect(chan.size, n, 'Chan.size')
      return chan
    }
  },
  'it-pushable': async () => pushed(),
  'ts-chan (capacity n)': async () => {
    const { Chan } = await import('ts-chan')
    return (n) => {
      const chan = new Chan(n)
      for (let i = 0; i < n; i++) chan.trySend(i)
      return chan
    }
  },
  'async-channel': async () => {
    const { Channel } = await import('async-channel')
    return (n) => {
      const channel = new Channel(Number.POSITIVE_INFINITY)
      for (let i = 0; i < n; i++) channel.push(i)
      return { channel } // a thenable: keep it boxed
    }
  },
  queueable: async () => {
    const { Channel } = await import('queueable')
    return (n) => {
      const channel = new Channel()
      for (let i = 0; i < n; i++) channel.push(i)
      return channel
    }
  },
}

async function pushed() {
  const { pushable } = await import('it-pushable')
  return (n) => {
    const queue = pushable({ objectMode: true })
    for (let i = 0; i < n; i++) queue.push(i)
    expect(queue.readableLength, n, 'it-pushable readableLength')
    return queue
  }
}

function scenario(id, label, n, ours, table, targets) {
  const impls = Object.fromEntries(
    Object.entries(table).map(([name, factory]) => [
      name,
      async () => {
        const fill = await factory()
        return async () => [await fill(n)]
      },
    ]),
  )
  return { id, label, ops: n, ours, impls, targets, runs: 1 }
}

export function scenarios({ quick }) {
  const many = quick ? 50_000 : 1_000_000
  const some = quick ? 10_000 : 100_000
  return [
    scenario('values', `${many / 1000}k retained values`, many, 'BigBuffer', values, [
      { bytesAtMost: 16, per: 'value', label: '≤ 16 bytes per retained BigBuffer value' },
    ]),
    scenario('jobs', `${some / 1000}k queued jobs`, some, 'Workers.call', jobs, [
      { bytesAtMost: 300, per: 'job', label: '≤ 300 bytes per queued Workers job' },
    ]),
    scenario('buffered', `${many / 1000}k buffered channel values`, many, 'Chan(Infinity)', buffered, [
      { bytesAtMost: 16, per: 'value', label: 'unbounded Chan ≤ 16 bytes per buffered value' },
    ]),
  ]
}
