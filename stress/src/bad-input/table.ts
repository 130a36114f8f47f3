import {
  allSignals,
  anySignal,
  Cond,
  exponentialRetry,
  linearAttempt,
  minDuration,
  onAbort,
  sleep,
  waitFor,
} from '@bigbuff/async-utils'
import { BigBuffer, defaultCleaner, fixedBufferCleaner } from '@bigbuff/buffer'
import {
  Chan,
  ChannelConsumer,
  Notifier,
  PubSub,
  receiveCase,
  select,
  sendCase,
  trySelect,
} from '@bigbuff/channel'
import { iterate, range, rangeBatch } from '@bigbuff/consumer'
import { BigbuffError, ConsumerBehindError, isBigbuffError } from '@bigbuff/core'
import { Exclusive } from '@bigbuff/exclusive'
import { Worker, Workers } from '@bigbuff/workers'
import { expect } from 'vitest'
import { settle } from '../support/settle.js'
import {
  BAD_CAPACITIES,
  BAD_COUNTS,
  BAD_DURATIONS,
  BAD_POSITIVE_DURATIONS,
  BAD_SIGNAL_OPTIONS,
  type Bad,
  inOption,
  NOT_FUNCTIONS,
  NOT_ITERABLES,
  NOT_SIGNALS,
} from './values.js'

/** A fresh instance to call a method on, with what must not change and a check that it still works. */
export interface Subject {
  /** Observable state, compared before and after the bad call. */
  snapshot(): unknown
  /** Proves the instance still works after the bad call (a buffer still delivers, a queue still runs). */
  works(): Promise<void>
}

/** One row of the table: one API, one bad value, the error it must raise. */
export interface Row {
  readonly api: string
  readonly bad: Bad
  /** The API returns a promise, so it must reject, never throw. */
  readonly async: boolean
  readonly run: () => { subject: Subject; call: () => unknown }
  /** The bug in FINDINGS.md this row reproduces: kept out of the suite until fixed. */
  readonly finding?: string
}

const noop = (): void => {}
const NONE: Subject = { snapshot: () => null, works: async () => {} }

function rowsFor(
  api: string,
  async: boolean,
  bads: readonly Bad[],
  make: () => Subject & Record<string, unknown>,
  call: (subject: never, bad: unknown) => unknown,
  finding?: string,
): Row[] {
  return bads.map((bad) => ({
    api,
    bad,
    async,
    run: () => {
      const subject = make()
      return { subject, call: () => call(subject as never, bad.value) }
    },
    ...(finding !== undefined && { finding }),
  }))
}

// --- subjects -------------------------------------------------------------------------------------

/** A buffer holding 1, 2, 3 and a consumer that read 1 without committing. */
function bufferSubject() {
  const buffer = new BigBuffer<number>({ cooldown: 0 })
  const consumer = buffer.consumer()
  const config = buffer.cleanerConfig
  void buffer.putAll([1, 2, 3])
  void consumer.get()
  return {
    buffer,
    consumer,
    snapshot: () => ({
      size: buffer.size,
      slice: buffer.slice(),
      consumers: buffer.consumers,
      pending: consumer.pending,
      diff: buffer.diff(consumer),
      closed: buffer.closed || consumer.closed,
      config: buffer.cleanerConfig === config,
    }),
    works: async () => {
      expect(await consumer.get()).toBe(2)
      await consumer.rollback()
      expect(await consumer.get()).toBe(1)
      await buffer.put(4)
      expect(buffer.slice()).toEqual([1, 2, 3, 4])
    },
  }
}

/** A channel of capacity 2 holding 'a'. */
function chanSubject() {
  const chan = new Chan<string>(2)
  chan.trySend('a')
  return {
    chan,
    snapshot: () => ({ size: chan.size, closed: chan.closed, capacity: chan.capacity }),
    works: async () => {
      await chan.send('b')
      expect(await chan.receive()).toBe('a')
      expect(chan.tryReceive()).toEqual({ state: 'ok', value: 'b' })
    },
  }
}

/** A ChannelConsumer over [1, 2, 3] that read 1 without committing. */
function channelConsumerSubject() {
  const consumer = new ChannelConsumer<number>([1, 2, 3])
  void consumer.get()
  return {
    consumer,
    snapshot: () => ({ pending: consumer.pending, buffered: consumer.buffered(), closed: consumer.closed }),
    works: async () => {
      expect(await consumer.get()).toBe(2)
      await consumer.commit()
      expect(consumer.buffered()).toEqual([])
    },
  }
}

/** A pub-sub (or notifier) with one buffered subscription. */
function pubSubSubject() {
  const pubsub = new PubSub<string>()
  const notifier = new Notifier<string, string>()
  const subscription = pubsub.subscribe({ capacity: 1 })
  const keyed = notifier.subscribe('k', { capacity: 1 })
  return {
    pubsub,
    notifier,
    snapshot: () => ({
      subscribers: pubsub.subscribers,
      keyed: notifier.subscribers('k'),
      closed: pubsub.closed,
    }),
    works: async () => {
      expect(await pubsub.publish('x')).toBe(1)
      expect(await subscription.next()).toEqual({ value: 'x', done: false })
      expect(await notifier.publish('k', 'y')).toBe(1)
      expect(await keyed.next()).toEqual({ value: 'y', done: false })
    },
  }
}

/** A Cond with one waiter. */
function condSubject() {
  const cond = new Cond()
  let woken = 0
  void cond.wait().then(() => woken++)
  return {
    cond,
    snapshot: () => ({ waiting: cond.waiting, woken }),
    works: async () => {
      cond.signal()
      await settle()
      expect(woken).toBe(1)
      expect(cond.waiting).toBe(0)
    },
  }
}

/** An Exclusive with no key state. */
function exclusiveSubject() {
  const exclusive = new Exclusive<string>()
  return {
    exclusive,
    snapshot: () => ({ size: exclusive.size, running: exclusive.running('k') }),
    works: async () => {
      expect(await exclusive.call('k', () => 42)).toBe(42)
      expect(exclusive.size).toBe(0)
    },
  }
}

/** A Workers pool with one job running (it finishes in `works`). */
function workersSubject() {
  const workers = new Workers()
  let finish = noop
  const running = workers.call(1, () => new Promise<void>((resolve) => (finish = resolve)))
  return {
    workers,
    snapshot: () => ({ count: workers.count, pending: workers.pending }),
    works: async () => {
      const queued = workers.call(1, () => 'ran')
      expect(workers.pending).toBe(1)
      finish()
      await running
      expect(await queued).toBe('ran')
      await workers.wait()
    },
  }
}

/** A Worker with one holder and its run active. */
function workerSubject() {
  const worker = new Worker()
  let runs = 0
  const release = worker.do(
    (stop) =>
      new Promise<void>((resolve) => {
        runs++
        stop.addEventListener('abort', () => resolve())
      }),
  )
  return {
    worker,
    snapshot: () => ({ active: worker.active, runs }),
    works: async () => {
      const again = worker.do(noop)
      expect(runs, 'a second holder joins the active run').toBe(1)
      release()
      again()
      await settle()
      expect(worker.active, 'the last release stopped the run').toBe(false)
    },
  }
}

const otherBuffer = new BigBuffer<number>()
const foreignConsumer = otherBuffer.consumer()
const fakeConsumer = { get: noop, commit: noop, rollback: noop }
const fakeChan = { send: noop, receive: noop, trySend: noop, tryReceive: noop, close: noop, closed: false }

const NOT_CONSUMERS: readonly Bad[] = [
  { value: null, error: TypeError, received: null },
  { value: undefined, error: TypeError, received: undefined },
  { value: {}, error: TypeError, received: {} },
  { value: { get: noop, commit: noop }, error: TypeError, received: { get: noop, commit: noop } },
]
const NOT_OWN_CONSUMERS: readonly Bad[] = [
  ...NOT_CONSUMERS,
  { value: foreignConsumer, error: TypeError, received: foreignConsumer },
  { value: fakeConsumer, error: TypeError, received: fakeConsumer },
]
const NOT_CHANS: readonly Bad[] = [
  { value: null, error: TypeError, received: null },
  { value: undefined, error: TypeError, received: undefined },
  { value: fakeChan, error: TypeError, received: fakeChan },
  { value: new PubSub(), error: TypeError, received: new PubSub() },
]
const BAD_CASES: readonly Bad[] = [
  { value: null, error: TypeError, received: null },
  { value: 'cases', error: TypeError, received: 'cases' },
  {
    value: new Set([receiveCase(new Chan())]),
    error: TypeError,
    received: new Set([receiveCase(new Chan())]),
  },
  { value: [null], error: TypeError, received: null },
  { value: [{ kind: 'receive', chan: new Chan() }], error: TypeError, received: {} },
  { value: [receiveCase(new Chan()), fakeChan], error: TypeError, received: fakeChan },
]

// --- the table -----------------------------------------------------------------------------------

/**
 * Every row. A row that reproduces an open finding (FINDINGS.md) carries `finding` (through `rowsFor`'s
 * last argument) and runs only in findings/ until it is fixed.
 */
export const TABLE: readonly Row[] = [
  // @bigbuff/core
  ...rowsFor(
    'new BigbuffError(code, message)',
    false,
    [
      { value: 'ERR_NOT_A_CODE', error: TypeError, received: 'ERR_NOT_A_CODE' },
      { value: 42, error: TypeError, received: 42 },
      { value: undefined, error: TypeError, received: undefined },
    ],
    () => ({ ...NONE }),
    (_, code) => new BigbuffError(code as never, 'message'),
  ),
  ...rowsFor(
    'new ConsumerBehindError(details)',
    false,
    [
      { value: null, error: TypeError, received: null },
      { value: undefined, error: TypeError, received: undefined },
      { value: 5, error: TypeError, received: 5 },
      { value: { offset: '1', behind: 2 }, error: TypeError, received: '1' },
      { value: { offset: 1, behind: Number.NaN }, error: RangeError, received: Number.NaN },
      { value: { offset: -1, behind: 2 }, error: RangeError, received: -1 },
      { value: { offset: 1, behind: 0 }, error: RangeError, received: 0 },
    ],
    () => ({ ...NONE }),
    (_, details) => new ConsumerBehindError(details as never),
  ),
  ...rowsFor(
    'isBigbuffError(error, code)',
    false,
    [
      { value: 'ERR_NOT_A_CODE', error: TypeError, received: 'ERR_NOT_A_CODE' },
      { value: 42, error: TypeError, received: 42 },
    ],
    () => ({ ...NONE }),
    (_, code) => isBigbuffError(new Error('x'), code as never),
  ),

  // @bigbuff/async-utils
  ...rowsFor(
    'anySignal(signals)',
    false,
    NOT_ITERABLES,
    () => ({ ...NONE }),
    (_, v) => anySignal(v as never),
  ),
  ...rowsFor(
    'anySignal(signals): an input that is not a signal',
    false,
    [1, 'signal', {}, new AbortController()].map((input) => ({
      value: [new AbortController().signal, input],
      error: TypeError,
      received: input,
    })),
    () => ({ ...NONE }),
    (_, v) => anySignal(v as never),
  ),
  ...rowsFor(
    'allSignals(signals)',
    false,
    [
      ...NOT_ITERABLES,
      { value: [], error: RangeError, received: [] },
      { value: [1], error: TypeError, received: 1 },
    ],
    () => ({ ...NONE }),
    (_, v) => allSignals(v as never),
  ),
  ...rowsFor(
    'onAbort(signal, listener): signal',
    false,
    NOT_SIGNALS,
    () => ({ ...NONE }),
    (_, v) => onAbort(v as never, noop),
  ),
  ...rowsFor(
    'onAbort(signal, listener): listener',
    false,
    NOT_FUNCTIONS,
    () => ({ ...NONE }),
    (_, v) => onAbort(new AbortController().signal, v as never),
  ),
  ...rowsFor(
    'Cond.wait(options)',
    true,
    BAD_SIGNAL_OPTIONS,
    condSubject,
    (s: ReturnType<typeof condSubject>, v) => s.cond.wait(v as never),
  ),
  ...rowsFor(
    'waitFor(cond, predicate, options): cond',
    true,
    [
      { value: null, error: TypeError, received: null },
      { value: {}, error: TypeError, received: {} },
      {
        value: { wait: async () => {}, signal: noop, broadcast: noop, waiting: 0 },
        error: TypeError,
        received: {},
      },
    ],
    condSubject,
    (_, v) => waitFor(v as never, () => true),
  ),
  ...rowsFor(
    'waitFor(cond, predicate, options): predicate',
    true,
    NOT_FUNCTIONS,
    condSubject,
    (s: ReturnType<typeof condSubject>, v) => waitFor(s.cond, v as never),
  ),
  ...rowsFor(
    'waitFor(cond, predicate, options): options',
    true,
    BAD_SIGNAL_OPTIONS,
    condSubject,
    (s: ReturnType<typeof condSubject>, v) => waitFor(s.cond, () => false, v as never),
  ),
  ...rowsFor(
    'sleep(ms)',
    true,
    [...BAD_DURATIONS, { value: undefined, error: TypeError, received: undefined }],
    () => ({ ...NONE }),
    (_, v) => sleep(v as never),
  ),
  ...rowsFor(
    'sleep(ms, options)',
    true,
    BAD_SIGNAL_OPTIONS,
    () => ({ ...NONE }),
    (_, v) => sleep(1, v as never),
  ),
  ...rowsFor(
    'linearAttempt(interval, count)',
    false,
    BAD_POSITIVE_DURATIONS,
    () => ({ ...NONE }),
    (_, v) => linearAttempt(v as never, 1),
  ),
  ...rowsFor(
    'linearAttempt(interval, count): count',
    false,
    BAD_COUNTS,
    () => ({ ...NONE }),
    (_, v) => linearAttempt(10, v as never),
  ),
  ...rowsFor(
    'linearAttempt(interval, count, options)',
    false,
    BAD_SIGNAL_OPTIONS,
    () => ({ ...NONE }),
    (_, v) => linearAttempt(10, 1, v as never),
  ),
  ...rowsFor(
    'exponentialRetry(fn)',
    false,
    NOT_FUNCTIONS,
    () => ({ ...NONE }),
    (_, v) => exponentialRetry(v as never),
  ),
  ...rowsFor(
    'exponentialRetry(fn, options)',
    false,
    [
      ...BAD_SIGNAL_OPTIONS,
      ...inOption('base', BAD_DURATIONS),
      ...inOption(
        'random',
        NOT_FUNCTIONS.filter((b) => b.value !== undefined),
      ),
    ],
    () => ({ ...NONE }),
    (_, v) => exponentialRetry(noop, v as never),
  ),
  ...rowsFor(
    'exponentialRetry(fn, { random }) when random() returns a bad number',
    true,
    [
      { value: () => 1, error: RangeError, received: 1 },
      { value: () => -0.5, error: RangeError, received: -0.5 },
      { value: () => Number.NaN, error: RangeError, received: Number.NaN },
      { value: () => '0.5', error: TypeError, received: '0.5' },
    ],
    () => ({ ...NONE }),
    (_, random) =>
      exponentialRetry(
        () => {
          throw new Error('retry me')
        },
        { random: random as () => number, base: 1 },
      )(),
  ),
  ...rowsFor(
    'minDuration(ms, fn)',
    false,
    BAD_POSITIVE_DURATIONS,
    () => ({ ...NONE }),
    (_, v) => minDuration(v as never, noop),
  ),
  ...rowsFor(
    'minDuration(ms, fn): fn',
    false,
    NOT_FUNCTIONS,
    () => ({ ...NONE }),
    (_, v) => minDuration(5, v as never),
  ),

  // @bigbuff/buffer
  ...rowsFor(
    'defaultCleaner(size, offsets)',
    false,
    [
      { value: null, error: TypeError, received: null },
      { value: 3, error: TypeError, received: 3 },
      { value: [0, 'x'], error: TypeError, received: 'x' },
    ],
    () => ({ ...NONE }),
    (_, v) => defaultCleaner(3, v as never),
  ),
  ...rowsFor(
    'defaultCleaner(size, offsets): size',
    false,
    [
      { value: '3', error: TypeError, received: '3' },
      { value: null, error: TypeError, received: null },
      { value: -1, error: RangeError, received: -1 },
      { value: 1.5, error: RangeError, received: 1.5 },
      { value: Number.NaN, error: RangeError, received: Number.NaN },
    ],
    () => ({ ...NONE }),
    (_, v) => defaultCleaner(v as never, [1]),
  ),
  ...rowsFor(
    'fixedBufferCleaner(max, target)',
    false,
    BAD_COUNTS,
    () => ({ ...NONE }),
    (_, v) => fixedBufferCleaner(v as never, 0),
  ),
  ...rowsFor(
    'fixedBufferCleaner(max, target): target',
    false,
    [
      { value: '1', error: TypeError, received: '1' },
      { value: null, error: TypeError, received: null },
      { value: -1, error: RangeError, received: -1 },
      { value: 0.5, error: RangeError, received: 0.5 },
      { value: 11, error: RangeError, received: 11 },
      { value: Number.NaN, error: RangeError, received: Number.NaN },
      { value: Number.POSITIVE_INFINITY, error: RangeError, received: Number.POSITIVE_INFINITY },
    ],
    () => ({ ...NONE }),
    (_, v) => fixedBufferCleaner(10, v as never),
  ),
  ...rowsFor(
    'fixedBufferCleaner(max, target, onTrim)',
    false,
    NOT_FUNCTIONS.filter((b) => b.value !== undefined),
    () => ({ ...NONE }),
    (_, v) => fixedBufferCleaner(10, 5, v as never),
  ),
  ...rowsFor(
    'new BigBuffer(options)',
    false,
    [
      ...BAD_SIGNAL_OPTIONS.slice(0, 4),
      ...inOption(
        'cleaner',
        NOT_FUNCTIONS.filter((b) => b.value !== undefined),
      ),
      ...inOption('cooldown', BAD_DURATIONS),
      ...inOption(
        'onError',
        NOT_FUNCTIONS.filter((b) => b.value !== undefined),
      ),
    ],
    () => ({ ...NONE }),
    (_, v) => new BigBuffer(v as never),
  ),
  ...rowsFor(
    'BigBuffer.put(value, options)',
    true,
    BAD_SIGNAL_OPTIONS,
    bufferSubject,
    (s: ReturnType<typeof bufferSubject>, v) => s.buffer.put(9, v as never),
  ),
  ...rowsFor(
    'BigBuffer.putAll(values)',
    true,
    NOT_ITERABLES,
    bufferSubject,
    (s: ReturnType<typeof bufferSubject>, v) => s.buffer.putAll(v as never),
  ),
  ...rowsFor(
    'BigBuffer.putAll(values, options)',
    true,
    BAD_SIGNAL_OPTIONS,
    bufferSubject,
    (s: ReturnType<typeof bufferSubject>, v) => s.buffer.putAll([9, 9], v as never),
  ),
  ...rowsFor(
    'BigBuffer.diff(consumer)',
    false,
    NOT_OWN_CONSUMERS,
    bufferSubject,
    (s: ReturnType<typeof bufferSubject>, v) => s.buffer.diff(v as never),
  ),
  ...rowsFor(
    'BigBuffer.range(consumer, fn)',
    true,
    NOT_OWN_CONSUMERS,
    bufferSubject,
    (s: ReturnType<typeof bufferSubject>, v) => s.buffer.range(v as never, noop),
  ),
  ...rowsFor(
    'BigBuffer.range(consumer, fn): fn',
    true,
    NOT_FUNCTIONS,
    bufferSubject,
    (s: ReturnType<typeof bufferSubject>, v) => s.buffer.range(s.consumer, v as never),
  ),
  ...rowsFor(
    'BigBuffer.range(consumer, fn, options)',
    true,
    BAD_SIGNAL_OPTIONS,
    bufferSubject,
    (s: ReturnType<typeof bufferSubject>, v) => s.buffer.range(s.consumer, noop, v as never),
  ),
  ...rowsFor(
    'BigBuffer.setCleanerConfig(config)',
    false,
    [
      { value: null, error: TypeError, received: null },
      { value: undefined, error: TypeError, received: undefined },
      { value: 10, error: TypeError, received: 10 },
      ...inOption('cleaner', NOT_FUNCTIONS, { cooldown: 1 }),
      ...inOption(
        'cooldown',
        [...BAD_DURATIONS, { value: undefined, error: TypeError, received: undefined }],
        {
          cleaner: defaultCleaner,
        },
      ),
    ],
    bufferSubject,
    (s: ReturnType<typeof bufferSubject>, v) => s.buffer.setCleanerConfig(v as never),
  ),
  ...rowsFor(
    'consumer.get(options) of a BigBuffer',
    true,
    BAD_SIGNAL_OPTIONS,
    bufferSubject,
    (s: ReturnType<typeof bufferSubject>, v) => s.consumer.get(v as never),
  ),

  // @bigbuff/consumer
  ...rowsFor('range(consumer, fn)', true, NOT_CONSUMERS, bufferSubject, (_, v) => range(v as never, noop)),
  ...rowsFor(
    'range(consumer, fn): fn',
    true,
    NOT_FUNCTIONS,
    bufferSubject,
    (s: ReturnType<typeof bufferSubject>, v) => range(s.consumer, v as never),
  ),
  ...rowsFor(
    'range(consumer, fn, options)',
    true,
    BAD_SIGNAL_OPTIONS,
    bufferSubject,
    (s: ReturnType<typeof bufferSubject>, v) => range(s.consumer, noop, v as never),
  ),
  ...rowsFor('iterate(consumer)', false, NOT_CONSUMERS, bufferSubject, (_, v) => iterate(v as never)),
  ...rowsFor(
    'iterate(consumer, options)',
    false,
    BAD_SIGNAL_OPTIONS,
    bufferSubject,
    (s: ReturnType<typeof bufferSubject>, v) => iterate(s.consumer, v as never),
  ),
  ...rowsFor('rangeBatch(consumer, fn, options)', true, NOT_CONSUMERS, bufferSubject, (_, v) =>
    rangeBatch(v as never, noop, { maxSize: 2 }),
  ),
  ...rowsFor(
    'rangeBatch(consumer, fn, options): fn',
    true,
    NOT_FUNCTIONS,
    bufferSubject,
    (s: ReturnType<typeof bufferSubject>, v) => rangeBatch(s.consumer, v as never, { maxSize: 2 }),
  ),
  ...rowsFor(
    'rangeBatch(consumer, fn, options): options',
    true,
    [
      { value: undefined, error: TypeError, received: undefined },
      ...BAD_SIGNAL_OPTIONS.slice(0, 4),
      ...inOption('signal', [{ value: 1, error: TypeError, received: 1 }], { maxSize: 2 }),
      ...inOption('maxSize', BAD_COUNTS),
      ...inOption('maxWait', BAD_DURATIONS, { maxSize: 2 }),
    ],
    bufferSubject,
    (s: ReturnType<typeof bufferSubject>, v) => rangeBatch(s.consumer, noop, v as never),
  ),

  // @bigbuff/channel
  ...rowsFor(
    'new Chan(capacity)',
    false,
    BAD_CAPACITIES,
    () => ({ ...NONE }),
    (_, v) => new Chan(v as never),
  ),
  ...rowsFor(
    'Chan.send(value, options)',
    true,
    BAD_SIGNAL_OPTIONS,
    chanSubject,
    (s: ReturnType<typeof chanSubject>, v) => s.chan.send('z', v as never),
  ),
  ...rowsFor(
    'Chan.receive(options)',
    true,
    BAD_SIGNAL_OPTIONS,
    chanSubject,
    (s: ReturnType<typeof chanSubject>, v) => s.chan.receive(v as never),
  ),
  ...rowsFor('receiveCase(chan)', false, NOT_CHANS, chanSubject, (_, v) => receiveCase(v as never)),
  ...rowsFor('sendCase(chan, value)', false, NOT_CHANS, chanSubject, (_, v) => sendCase(v as never, 'z')),
  ...rowsFor('select(cases)', true, BAD_CASES, chanSubject, (_, v) => select(v as never)),
  ...rowsFor(
    'select(cases, options)',
    true,
    BAD_SIGNAL_OPTIONS,
    chanSubject,
    (s: ReturnType<typeof chanSubject>, v) => select([receiveCase(s.chan)], v as never),
  ),
  ...rowsFor('trySelect(cases)', false, BAD_CASES, chanSubject, (_, v) => trySelect(v as never)),
  ...rowsFor(
    'new ChannelConsumer(source)',
    false,
    [
      { value: null, error: TypeError, received: null },
      { value: undefined, error: TypeError, received: undefined },
      { value: 1, error: TypeError, received: 1 },
      { value: {}, error: TypeError, received: {} },
      { value: foreignConsumer, error: TypeError, received: foreignConsumer },
    ],
    chanSubject,
    (_, v) => new ChannelConsumer(v as never),
  ),
  ...rowsFor(
    'new ChannelConsumer(source, options)',
    false,
    BAD_SIGNAL_OPTIONS,
    chanSubject,
    (s: ReturnType<typeof chanSubject>, v) => new ChannelConsumer(s.chan, v as never),
  ),
  ...rowsFor(
    'ChannelConsumer.get(options)',
    true,
    BAD_SIGNAL_OPTIONS,
    channelConsumerSubject,
    (s: ReturnType<typeof channelConsumerSubject>, v) => s.consumer.get(v as never),
  ),
  ...rowsFor(
    'PubSub.publish(value, options)',
    true,
    BAD_SIGNAL_OPTIONS,
    pubSubSubject,
    (s: ReturnType<typeof pubSubSubject>, v) => s.pubsub.publish('z', v as never),
  ),
  ...rowsFor(
    'PubSub.subscribe(options)',
    false,
    [...BAD_SIGNAL_OPTIONS, ...inOption('capacity', BAD_CAPACITIES)],
    pubSubSubject,
    (s: ReturnType<typeof pubSubSubject>, v) => s.pubsub.subscribe(v as never),
  ),
  ...rowsFor(
    'Notifier.publish(key, value, options)',
    true,
    BAD_SIGNAL_OPTIONS,
    pubSubSubject,
    (s: ReturnType<typeof pubSubSubject>, v) => s.notifier.publish('k', 'z', v as never),
  ),
  ...rowsFor(
    'Notifier.subscribe(key, options)',
    false,
    [...BAD_SIGNAL_OPTIONS, ...inOption('capacity', BAD_CAPACITIES)],
    pubSubSubject,
    (s: ReturnType<typeof pubSubSubject>, v) => s.notifier.subscribe('k', v as never),
  ),

  // @bigbuff/exclusive
  ...rowsFor(
    'new Exclusive(options)',
    false,
    [
      ...BAD_SIGNAL_OPTIONS.slice(0, 4),
      ...inOption(
        'onError',
        NOT_FUNCTIONS.filter((b) => b.value !== undefined),
      ),
    ],
    () => ({ ...NONE }),
    (_, v) => new Exclusive(v as never),
  ),
  ...rowsFor(
    'Exclusive.call(key, work)',
    true,
    NOT_FUNCTIONS,
    exclusiveSubject,
    (s: ReturnType<typeof exclusiveSubject>, v) => s.exclusive.call('k', v as never),
  ),
  ...rowsFor(
    'Exclusive.call(key, work, options)',
    true,
    [...BAD_SIGNAL_OPTIONS, ...inOption('wait', BAD_DURATIONS), ...inOption('rateLimit', BAD_DURATIONS)],
    exclusiveSubject,
    (s: ReturnType<typeof exclusiveSubject>, v) => s.exclusive.call('k', () => 1, v as never),
  ),
  ...rowsFor(
    'Exclusive.start(key, work)',
    false,
    NOT_FUNCTIONS,
    exclusiveSubject,
    (s: ReturnType<typeof exclusiveSubject>, v) => s.exclusive.start('k', v as never),
  ),
  ...rowsFor(
    'Exclusive.start(key, work, options)',
    false,
    [
      ...BAD_SIGNAL_OPTIONS.slice(0, 4),
      ...inOption('wait', BAD_DURATIONS),
      ...inOption('rateLimit', BAD_DURATIONS),
    ],
    exclusiveSubject,
    (s: ReturnType<typeof exclusiveSubject>, v) => s.exclusive.start('k', () => 1, v as never),
  ),

  // @bigbuff/workers
  ...rowsFor(
    'Workers.call(count, work)',
    true,
    BAD_COUNTS,
    workersSubject,
    (s: ReturnType<typeof workersSubject>, v) => s.workers.call(v as never, () => 1),
  ),
  ...rowsFor(
    'Workers.call(count, work): work',
    true,
    NOT_FUNCTIONS,
    workersSubject,
    (s: ReturnType<typeof workersSubject>, v) => s.workers.call(1, v as never),
  ),
  ...rowsFor(
    'Workers.call(count, work, options)',
    true,
    BAD_SIGNAL_OPTIONS,
    workersSubject,
    (s: ReturnType<typeof workersSubject>, v) => s.workers.call(1, () => 1, v as never),
  ),
  ...rowsFor(
    'Workers.wrap(count, fn)',
    false,
    BAD_COUNTS,
    workersSubject,
    (s: ReturnType<typeof workersSubject>, v) => s.workers.wrap(v as never, noop),
  ),
  ...rowsFor(
    'Workers.wrap(count, fn): fn',
    false,
    NOT_FUNCTIONS,
    workersSubject,
    (s: ReturnType<typeof workersSubject>, v) => s.workers.wrap(1, v as never),
  ),
  ...rowsFor('Worker.do(fn)', false, NOT_FUNCTIONS, workerSubject, (s: ReturnType<typeof workerSubject>, v) =>
    s.worker.do(v as never),
  ),
]
