// 4. Keyed: many calls over few keys, deduplicated so each key runs its work once per burst of calls.
import { expect, ours } from '../shared.mjs'

export const title = 'Keyed'
export const description = [
  'Calls spread round-robin over 100 keys, each running (or sharing) the trivial async work `async () => key`:',
  'all at once, then in waves of 1000 calls where each wave is awaited before the next. Exclusive never lets a',
  'call join a run that already started (the others do), but with every wave submitted synchronously both',
  'semantics run the work once per key per wave. dataloader runs with an in-flight-only cache map (an entry is',
  'dropped when its promise settles), so it deduplicates like the others instead of caching forever.',
].join(' ')

const KEYS = 100
const works = Array.from({ length: KEYS }, (_, key) => async () => key)

/** DataLoader's cache, limited to promises still in flight. */
class InFlightMap extends Map {
  set(key, promise) {
    super.set(key, promise)
    const drop = () => {
      if (this.get(key) === promise) this.delete(key)
    }
    promise.then(drop, drop)
    return this
  }
}

/** Per library: a factory for a fresh `call(key) → Promise<key>`. */
const adapters = {
  'Exclusive.call': async () => {
    const Exclusive = await ours('@bigbuff/exclusive', 'Exclusive')
    return () => {
      const exclusive = new Exclusive()
      return (key) => exclusive.call(key, works[key])
    }
  },
  'promise-coalesce': async () => {
    const { coalesceAsync } = await import('promise-coalesce')
    return () => (key) => coalesceAsync(key, works[key])
  },
  'p-memoize (cache: false)': async () => {
    const { default: pMemoize } = await import('p-memoize')
    return () => pMemoize((key) => works[key](), { cache: false })
  },
  'dataloader (in-flight map)': async () => {
    const { default: DataLoader } = await import('dataloader')
    const batch = (keys) => Promise.all(keys.map((key) => works[key]()))
    return () => {
      const loader = new DataLoader(batch, { cacheMap: new InFlightMap() })
      return (key) => loader.load(key)
    }
  },
  'Map<key, Promise>': async () => () => {
    const inFlight = new Map()
    return (key) => {
      let promise = inFlight.get(key)
      if (promise === undefined) {
        promise = works[key]().finally(() => inFlight.delete(key))
        inFlight.set(key, promise)
      }
      return promise
    }
  },
}

async function waves(create, calls, size) {
  const call = create()
  let sum = 0
  for (let start = 0; start < calls; start += size) {
    const wave = new Array(size)
    for (let i = 0; i < size; i++) wave[i] = call((start + i) % KEYS)
    for (const key of await Promise.all(wave)) sum += key
  }
  // Every key gets calls / KEYS calls, each resolving with the key.
  expect(sum, (calls / KEYS) * ((KEYS * (KEYS - 1)) / 2), 'sum of results')
  return [call]
}

export function scenarios({ quick }) {
  const calls = quick ? 10_000 : 100_000
  const wave = 1000
  // A run takes tens of milliseconds: more of them per process steady the median.
  const runs = quick ? 1 : 10
  const impls = (size) =>
    Object.fromEntries(
      Object.entries(adapters).map(([name, adapter]) => [
        name,
        async () => {
          const create = await adapter()
          return () => waves(create, calls, size)
        },
      ]),
    )
  const target = (label) => ({
    vs: 'promise-coalesce',
    atLeast: 1.5,
    label: `Exclusive ≥ 1.5× promise-coalesce (${label})`,
  })
  return [
    {
      id: 'burst',
      label: `${calls / 1000}k calls, all at once`,
      ops: calls,
      ours: 'Exclusive.call',
      impls: impls(calls),
      runs,
      targets: [
        target('all at once'),
        {
          vs: 'p-memoize (cache: false)',
          atLeast: 1,
          label: 'Exclusive ≥ 1.0× p-memoize (cache: false), all at once',
        },
      ],
    },
    {
      id: 'waves',
      label: `${calls / 1000}k calls, ${calls / wave} waves of ${wave}`,
      ops: calls,
      ours: 'Exclusive.call',
      impls: impls(wave),
      runs,
      targets: [target('waves')],
    },
  ]
}
