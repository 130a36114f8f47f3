/**
 * What a TSDoc `@example` may refer to without declaring it: the object the documented method is
 * called on (`buffer`, `chan`, `exclusive`, …). The harness puts a context's code before an example
 * that uses the name and does not declare it. Helpers that stand for the reader's own code
 * (`fetchUser`, `signal`, …) live in `prelude.ts` instead; README blocks get no contexts at all: they
 * must declare what they use, as a reader copies them.
 */
export interface Context {
  readonly name: string
  /** Statements that declare `name` (they may use top-level await). */
  readonly code: string
  /** Contexts this one uses. */
  readonly needs?: readonly string[]
  /** Statements run after the example (to close what `code` opened). */
  readonly after?: string
  /** Only for examples of these packages (default: every package). */
  readonly packages?: readonly string[]
}

export const CONTEXTS: readonly Context[] = [
  {
    name: 'buffer',
    packages: ['consumer'],
    // Loops over a consumer run until it is closed: close the buffer once the values are read.
    code: [
      'const buffer = new BigBuffer<any>()',
      "await buffer.putAll([{ type: 'start' }, { type: 'stop' }])",
      'setTimeout(() => void buffer.close(), 50)',
    ].join('\n'),
  },
  {
    name: 'consumer',
    packages: ['consumer'],
    needs: ['buffer'],
    code: 'const consumer = buffer.consumer()',
  },
  {
    name: 'buffer',
    packages: ['buffer', 'core'],
    // `any`: examples of one buffer put numbers, strings and objects.
    code: ['const buffer = new BigBuffer<any>()', "await buffer.putAll(['a', 'b'])"].join('\n'),
  },
  {
    name: 'consumer',
    packages: ['buffer', 'core'],
    needs: ['buffer'],
    code: 'const consumer = buffer.consumer()',
  },
  {
    name: 'consumer',
    packages: ['channel'],
    code: "const consumer = new ChannelConsumer(['line 1', 'line 2'])",
  },
  {
    name: 'chan',
    packages: ['channel'],
    code: ['const chan = new Chan<string>(8)', "await chan.send('job')"].join('\n'),
  },
  {
    name: 'jobs',
    packages: ['channel'],
    code: ['const jobs = new Chan<string>(8)', "await jobs.send('job')"].join('\n'),
  },
  { name: 'quit', packages: ['channel'], code: 'const quit = new Chan<void>()' },
  {
    name: 'numbers',
    packages: ['channel'],
    code: ['const numbers = new Chan<number>(1)', 'await numbers.send(1)'].join('\n'),
  },
  { name: 'names', packages: ['channel'], code: 'const names = new Chan<string>(1)' },
  {
    name: 'events',
    packages: ['buffer', 'consumer'],
    code: "const events = [{ type: 'start' }, { type: 'stop' }]",
  },
  { name: 'out', packages: ['channel'], code: 'const out = new Chan<string>(8)' },
  { name: 'results', packages: ['channel'], code: 'const results = new Chan<string>(8)' },
  { name: 'events', packages: ['channel'], code: 'const events = new Chan<string>(8)' },
  { name: 'lines', packages: ['channel'], code: "const lines = ['line 1', 'line 2']" },
  {
    name: 'pubsub',
    packages: ['channel'],
    // Loops over a subscription run until the pub-sub closes.
    code: ['const pubsub = new PubSub<unknown>()', 'setTimeout(() => pubsub.close(), 50)'].join('\n'),
  },
  // A module-level name: the DOM's global `event` has another type.
  { name: 'event', code: "const event = 'event'" },
  { name: 'notifier', packages: ['channel'], code: 'const notifier = new Notifier<string, Order>()' },
  { name: 'cond', packages: ['async-utils'], code: 'const cond = new Cond()' },
  { name: 'exclusive', packages: ['exclusive'], code: 'const exclusive = new Exclusive<string>()' },
  { name: 'workers', packages: ['workers'], code: 'const workers = new Workers()' },
  { name: 'worker', packages: ['workers'], code: 'const worker = new Worker()' },
  {
    name: 'stream',
    packages: ['redis'],
    code: ["const stream = new RedisStream<any>({ stream: 'docs', url: process.env.REDIS_URL! })"].join('\n'),
    after: 'await stream.close()',
  },
]
