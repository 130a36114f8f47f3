// 2. Channels: single producer / single consumer throughput, ping-pong latency and select.
import { expect, ours, sumTo } from '../shared.mjs'

export const title = 'Channels'
export const description = [
  'Messages 0 … n-1 from one producer to one consumer (each side `await`s every operation), ping-pong round trips',
  'over two unbuffered channels, and one consumer selecting over 4 unbuffered channels fed by 4 producers.',
  '"Unbounded burst" pushes every message first, then drains. queueable has no bounded mode (its limit drops',
  'the oldest value), so it runs the unbuffered and unbounded cases only; ts-chan needs a finite capacity, so its',
  'burst uses capacity n; async-channel drains its buffer with `Array#shift()`, quadratic at this size (20k messages',
  'take 0.6 s), so it sits the burst out. "Timer ticks" counts how often a 1 ms timer chain ran during one run (the',
  'fewest seen in any process): 0 means the channel never yielded to the macrotask queue, starving timers and I/O',
  'for the whole run. "hand-written floor" is the least a promise-based channel can do for these loops (a ring',
  'buffer, bare resolve functions, no close, abort, fairness or yielding): the share of every figure that is the',
  "loops' own awaits.",
].join(' ')
export const showTicks = true

const value = (result) => result.value

/**
 * One adapter per library, so every scenario is written once: `make(capacity)`, `send` (a promise),
 * `push` (synchronous, for the burst), `receive` (a promise) and `unwrap` (its result to the value).
 */
const adapters = {
  Chan: async () => {
    const Chan = await ours('@bigbuff/channel', 'Chan')
    return {
      make: (capacity) => new Chan(capacity),
      send: (ch, v) => ch.send(v),
      push: (ch, v) => expect(ch.trySend(v), true, 'trySend'),
      receive: (ch) => ch.receive(),
      unwrap: (v) => v,
    }
  },
  'hand-written floor': async () => ({
    make: (capacity) => minimalChannel(capacity),
    send: (ch, v) => ch.send(v),
    push: (ch, v) => {
      ch.send(v)
    },
    receive: (ch) => ch.receive(),
    unwrap: (v) => v,
  }),
  'ts-chan': async () => tsChan(false),
  'ts-chan unsafe': async () => tsChan(true),
  'async-channel': async () => {
    const { Channel } = await import('async-channel')
    return {
      make: (capacity) => new Channel(capacity),
      send: (ch, v) => ch.push(v),
      push: (ch, v) => {
        ch.push(v)
      },
      receive: (ch) => ch.get(),
      unwrap: (v) => v,
    }
  },
  'it-pushable': async () => {
    const { pushable } = await import('it-pushable')
    return {
      make: () => pushable({ objectMode: true }),
      push: (p, v) => {
        p.push(v)
      },
      receive: (p) => p.next(),
      unwrap: value,
    }
  },
  queueable: async () => {
    const { Channel } = await import('queueable')
    return {
      make: () => new Channel(),
      send: (ch, v) => ch.push(v),
      push: (ch, v) => {
        ch.push(v)
      },
      receive: (ch) => ch.next(),
      unwrap: value,
    }
  },
}

/**
 * The floor: the least a promise-based channel can do for these loops. A ring buffer, parked senders
 * and receivers as bare resolve functions, an already-resolved promise for a send that needs no wait and
 * `Promise.resolve(value)` for a receive that needs none. No close, no abort, no fairness, no yielding to
 * timers: it starves the event loop, and it is here to show how much of each figure is the loops' own
 * awaits rather than the channel.
 */
function minimalChannel(capacity) {
  const resolved = Promise.resolve()
  let items = new Array(16)
  let head = 0
  let length = 0
  const receivers = waitQueue()
  const senders = waitQueue()
  const push = (value) => {
    if (length === items.length) {
      const next = new Array(items.length * 2)
      for (let i = 0; i < length; i++) next[i] = items[(head + i) % items.length]
      items = next
      head = 0
    }
    items[(head + length++) % items.length] = value
  }
  const shift = () => {
    const value = items[head]
    items[head] = undefined
    head = (head + 1) % items.length
    length--
    return value
  }
  return {
    send(value) {
      const receive = receivers.take()
      if (receive !== undefined) {
        receive(value)
        return resolved
      }
      if (length < capacity) {
        push(value)
        return resolved
      }
      return new Promise((resolve) => senders.park({ value, resolve }))
    },
    receive() {
      if (length > 0) {
        const value = shift()
        const sender = senders.take()
        if (sender !== undefined) {
          push(sender.value)
          sender.resolve()
        }
        return Promise.resolve(value)
      }
      const sender = senders.take()
      if (sender !== undefined) {
        sender.resolve()
        return Promise.resolve(sender.value)
      }
      return new Promise((resolve) => receivers.park(resolve))
    },
  }
}

/** A FIFO of parked parties on an array and a head index, emptied (not shifted) once drained. */
function waitQueue() {
  const items = []
  let head = 0
  return {
    park: (item) => {
      items.push(item)
    },
    take: () => {
      if (head === items.length) return undefined
      const item = items[head]
      if (++head === items.length) {
        items.length = 0
        head = 0
      } else items[head - 1] = undefined
      return item
    },
  }
}

async function tsChan(unsafe) {
  const { Chan } = await import('ts-chan')
  return {
    // ts-chan has no unbounded mode: the burst gives it room for every message instead.
    make: (capacity, n) => new Chan(capacity === Number.POSITIVE_INFINITY ? n : capacity).setUnsafe(unsafe),
    send: (ch, v) => ch.send(v),
    push: (ch, v) => expect(ch.trySend(v), true, 'trySend'),
    receive: (ch) => ch.recv(),
    unwrap: value,
  }
}

async function spsc(a, capacity, n) {
  const ch = a.make(capacity, n)
  const producer = async () => {
    for (let i = 0; i < n; i++) await a.send(ch, i)
  }
  const consumer = async () => {
    let sum = 0
    for (let i = 0; i < n; i++) sum += a.unwrap(await a.receive(ch))
    return sum
  }
  const [, sum] = await Promise.all([producer(), consumer()])
  expect(sum, sumTo(n), 'sum received')
  return [ch] // async-channel's channels are thenables: never resolve a promise with one
}

async function burst(a, n) {
  const ch = a.make(Number.POSITIVE_INFINITY, n)
  for (let i = 0; i < n; i++) a.push(ch, i)
  let sum = 0
  for (let i = 0; i < n; i++) sum += a.unwrap(await a.receive(ch))
  expect(sum, sumTo(n), 'sum received')
  return [ch] // async-channel's channels are thenables: never resolve a promise with one
}

async function pingPong(a, n) {
  const ping = a.make(0, n)
  const pong = a.make(0, n)
  const server = async () => {
    for (let i = 0; i < n; i++) await a.send(pong, a.unwrap(await a.receive(ping)) + 1)
  }
  const client = async () => {
    let sum = 0
    for (let i = 0; i < n; i++) {
      await a.send(ping, i)
      sum += a.unwrap(await a.receive(pong)) - 1
    }
    return sum
  }
  const [, sum] = await Promise.all([server(), client()])
  expect(sum, sumTo(n), 'sum of round trips')
  return [ping, pong]
}

/** 4 producers, each sending its share of 0 … n-1 on its own unbuffered channel, one selecting consumer. */
async function selectOver4(a, select, n) {
  const chans = [0, 1, 2, 3].map(() => a.make(0, n))
  const producers = chans.map(async (ch, k) => {
    for (let i = k; i < n; i += 4) await a.send(ch, i)
  })
  let sum = 0
  const receiveAll = select(chans)
  for (let i = 0; i < n; i++) sum += await receiveAll()
  await Promise.all(producers)
  expect(sum, sumTo(n), 'sum selected')
  return chans
}

/** Per library: given the channels, a function that selects once and resolves with the value received. */
const selectors = {
  Chan: async () => {
    const [select, receiveCase] = await Promise.all([
      ours('@bigbuff/channel', 'select'),
      ours('@bigbuff/channel', 'receiveCase'),
    ])
    return (chans) => {
      const cases = chans.map((ch) => receiveCase(ch))
      return async () => (await select(cases)).value
    }
  },
  'ts-chan': async () => tsSelect(false),
  'ts-chan unsafe': async () => tsSelect(true),
}

async function tsSelect(unsafe) {
  const { Select, recv } = await import('ts-chan')
  return (chans) => {
    const select = new Select(chans.map((ch) => recv(ch))).setUnsafe(unsafe)
    return async () => select.recv(select.cases[await select.wait()]).value
  }
}

function impls(names, body) {
  return Object.fromEntries(
    names.map((name) => [
      name,
      async () => {
        const adapter = await adapters[name]()
        return () => body(adapter)
      },
    ]),
  )
}

export function scenarios({ quick }) {
  const n = quick ? 20_000 : 1_000_000
  const trips = quick ? 5_000 : 200_000
  const chans = ['Chan', 'ts-chan', 'ts-chan unsafe', 'async-channel', 'hand-written floor']
  return [
    {
      id: 'unbuffered',
      label: `unbuffered, ${n / 1000}k messages`,
      ops: n,
      ours: 'Chan',
      impls: impls([...chans, 'queueable'], (a) => spsc(a, 0, n)),
    },
    {
      id: 'cap1024',
      label: `capacity 1024, ${n / 1000}k messages`,
      ops: n,
      ours: 'Chan',
      impls: impls(chans, (a) => spsc(a, 1024, n)),
      targets: [
        { vs: 'ts-chan unsafe', atLeast: 3, label: 'Chan(1024) ≥ 3× ts-chan unsafe mode' },
        { ticksAtLeast: 1, label: 'Chan(1024) still lets timers run' },
        { vs: 'hand-written floor', atLeast: 0.9, label: 'Chan(1024) within 10% of the hand-written floor' },
      ],
    },
    {
      id: 'burst',
      label: `unbounded burst, ${n / 1000}k messages`,
      ops: n,
      ours: 'Chan',
      impls: impls(['Chan', 'ts-chan', 'ts-chan unsafe', 'it-pushable', 'queueable'], (a) => burst(a, n)),
      targets: [{ vs: 'it-pushable', atLeast: 1, label: 'unbounded burst ≥ it-pushable' }],
    },
    {
      id: 'pingpong',
      label: `ping-pong, ${trips / 1000}k round trips`,
      ops: trips,
      ours: 'Chan',
      impls: impls([...chans, 'queueable'], (a) => pingPong(a, trips)),
      targets: [{ vs: 'async-channel', atLeast: 1.3, label: 'unbuffered ping-pong ≥ 1.3× async-channel' }],
    },
    {
      id: 'select',
      label: `select over 4 channels, ${trips / 1000}k messages`,
      ops: trips,
      ours: 'Chan',
      impls: Object.fromEntries(
        ['Chan', 'ts-chan', 'ts-chan unsafe'].map((name) => [
          name,
          async () => {
            const [adapter, select] = await Promise.all([adapters[name](), selectors[name]()])
            return () => selectOver4(adapter, select, trips)
          },
        ]),
      ),
    },
  ]
}
