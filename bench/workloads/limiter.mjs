// 1. Limiter: many trivial async tasks submitted at once through a concurrency limit.
import { expect, ours } from '../shared.mjs'

export const title = 'Limiter'
export const description =
  'Trivial async tasks (`async () => 1`) all submitted at once through a concurrency limit; time until every result is in.'

const task = async () => 1

async function submitAll(n, submit) {
  const pending = new Array(n)
  for (let i = 0; i < n; i++) pending[i] = submit()
  const results = await Promise.all(pending)
  let sum = 0
  for (const value of results) sum += value
  expect(sum, n, 'sum of task results')
}

/** Hand-written reference: an array queue with a moving head, one promise per task. */
function minimalLimiter(concurrency) {
  const queue = []
  let head = 0
  let active = 0
  const finish = () => {
    active--
    if (head === queue.length) return
    const job = queue[head]
    queue[head++] = undefined
    if (head === queue.length) queue.length = head = 0
    start(job)
  }
  const start = (job) => {
    active++
    Promise.resolve(job.fn()).then(job.resolve, job.reject).then(finish)
  }
  return (fn) =>
    new Promise((resolve, reject) => {
      const job = { fn, resolve, reject }
      if (active < concurrency) start(job)
      else queue.push(job)
    })
}

function impls(concurrency, n) {
  return {
    'Workers.call': async () => {
      const Workers = await ours('@bigbuff/workers', 'Workers')
      return async () => {
        const workers = new Workers()
        await submitAll(n, () => workers.call(concurrency, task))
        return workers
      }
    },
    'p-limit': async () => {
      const { default: pLimit } = await import('p-limit')
      return async () => {
        const limit = pLimit(concurrency)
        await submitAll(n, () => limit(task))
        return limit
      }
    },
    'p-queue': async () => {
      const { default: PQueue } = await import('p-queue')
      return async () => {
        const queue = new PQueue({ concurrency })
        await submitAll(n, () => queue.add(task))
        return queue
      }
    },
    'fastq (promise)': async () => {
      const { default: fastq } = await import('fastq')
      return async () => {
        const queue = fastq.promise(task, concurrency)
        await submitAll(n, () => queue.push(undefined))
        return queue
      }
    },
    'async-sema': async () => {
      const { Sema } = await import('async-sema')
      return async () => {
        const sema = new Sema(concurrency)
        const limited = async () => {
          await sema.acquire()
          try {
            return await task()
          } finally {
            sema.release()
          }
        }
        await submitAll(n, limited)
        return sema
      }
    },
    'minimal limiter': async () => async () => {
      const limit = minimalLimiter(concurrency)
      await submitAll(n, () => limit(task))
      return limit
    },
  }
}

export function scenarios({ quick }) {
  const n = quick ? 5_000 : 100_000
  return [1, 10, 100].map((concurrency) => ({
    id: `c${concurrency}`,
    label: `${n / 1000}k tasks, concurrency ${concurrency}`,
    ops: n,
    ours: 'Workers.call',
    impls: impls(concurrency, n),
    targets:
      concurrency === 10
        ? [
            { vs: 'p-limit', atLeast: 2, label: 'Workers ≥ 2× p-limit at concurrency 10' },
            { vs: 'fastq (promise)', atLeast: 1.5, label: 'Workers ≥ 1.5× fastq at concurrency 10' },
          ]
        : [],
  }))
}
