/// <reference types="node" />
/**
 * The helpers the docs' code blocks assume: names that stand for the reader's own code (`fetchUser`,
 * `saveDraft`, `db`, …) and a few values (`signal`, `urls`, …). Every block is compiled and run with
 * this module imported first, so the blocks stay short and these stand-ins live in one place.
 *
 * Keep them boring: they resolve quickly, never touch the network (URLs are `data:` URLs) and never
 * keep the process alive.
 */

export {}

/** Resolves after `ms` with `value` (the stand-ins' idea of I/O). */
function later<T>(ms: number, value: T, signal?: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted()
    const timer = setTimeout(() => resolve(value), ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(signal.reason)
      },
      { once: true },
    )
  })
}

interface Options {
  signal?: AbortSignal | undefined
}

declare global {
  interface User {
    id: number | string
    name: string
  }
  interface Order {
    id: number
    total: number
  }
  interface Doc {
    title: string
  }
  interface Tick {
    at: number
  }
  /** A `data:` URL whose body is `{"ok":true}` (so `fetch` works offline). */
  var url: string
  var urls: string[]
  var images: Blob[]
  var files: File[]
  var items: number[]
  var id: number
  var workerId: number
  var order: Order
  var tick: Tick
  var doc: Doc
  var result: string
  var last: string
  var pending: number
  var dropped: number
  /** A signal nobody aborts. */
  var signal: AbortSignal
  var options: { signal?: AbortSignal }
  var request: { signal: AbortSignal }
  var shutdown: AbortController
  var first: AbortController
  var second: AbortController
  /** The text box whose `input` events save a draft. */
  var input: EventTarget
  var socket: { destroy(reason?: unknown): void }
  var db: { insertMany(rows: readonly unknown[]): Promise<void> }
  var api: { save(doc: Doc): Promise<void> }
  function buildReport(context: { signal?: AbortSignal; token?: unknown }): Promise<string>
  function fetchUser(id: number | string, options?: Options): Promise<User>
  function loadUser(id: number | string, options?: Options): Promise<User>
  function saveDraft(context?: Options): Promise<void>
  function syncAll(context?: Options): Promise<void>
  function search(query: string): Promise<string[]>
  function latestQuery(): string
  function tryConnect(): Promise<boolean>
  function refresh(signal: AbortSignal): Promise<void>
  function watch(signal: AbortSignal): Promise<void>
  function download(options?: Options): Promise<Uint8Array>
  function work(value: unknown): Promise<void>
  function ship(order: Order): Promise<void>
  function charge(order: { id: number }): Promise<void>
  function store(value: unknown): Promise<void>
  function save(value: unknown): Promise<void>
  function handle(value: unknown): void
  function render(value: unknown): void
  /** Renders a file to an image, cancellable: the work behind the distributed examples. */
  function renderImage(file: string, options?: Options): Promise<Uint8Array>
  /** A store that refuses writes carrying a fencing token older than the last one it saw. */
  var fencedStore: {
    write(value: unknown, options: { fencingToken: number }): Promise<void>
    put(key: string, value: unknown, options: { fencingToken: number }): Promise<void>
  }
  function report(error: unknown): void
  function requeue(values: readonly unknown[]): void
  function put(file: File): Promise<void>
  function scale(image: Blob, width: number): Promise<Blob>
  function readLines(file: string): AsyncIterable<string>
  var file: string
}

const json = 'data:application/json,{"ok":true}'

Object.assign(globalThis, {
  url: json,
  urls: [json, json, json],
  images: [new Blob(['a']), new Blob(['b'])],
  files: [new File(['a'], 'a.txt'), new File(['b'], 'b.txt')],
  items: [1, 2, 3],
  id: 42,
  workerId: 1,
  order: { id: 1, total: 20 },
  tick: { at: 0 },
  doc: { title: 'draft' },
  result: 'result',
  last: 'last',
  pending: 0,
  dropped: 0,
  signal: new AbortController().signal,
  options: {},
  request: new AbortController(),
  shutdown: new AbortController(),
  first: new AbortController(),
  second: new AbortController(),
  input: new EventTarget(),
  socket: { destroy() {} },
  db: { insertMany: () => later(1, undefined) },
  api: { save: () => later(1, undefined) },
  buildReport: () => later(5, 'report'),
  fetchUser: (id: number | string, options?: Options) =>
    later(5, { id, name: `user ${id}` }, options?.signal),
  loadUser: (id: number | string, options?: Options) => later(5, { id, name: `user ${id}` }, options?.signal),
  saveDraft: (context?: Options) => later(5, undefined, context?.signal),
  syncAll: (context?: Options) => later(5, undefined, context?.signal),
  search: async (query: string) => [query],
  latestQuery: () => 'query',
  tryConnect: async () => true,
  refresh: (signal: AbortSignal) => later(5, undefined).then(() => void signal),
  watch: (signal: AbortSignal) => later(5, undefined).then(() => void signal),
  download: (options?: Options) => later(5, new Uint8Array(4), options?.signal),
  work: () => later(1, undefined),
  ship: () => later(1, undefined),
  charge: () => later(1, undefined),
  store: () => later(1, undefined),
  save: () => later(1, undefined),
  handle: () => {},
  render: () => {},
  renderImage: (_file: string, options?: Options) => later(5, new Uint8Array(4), options?.signal),
  fencedStore: { write: () => later(1, undefined), put: () => later(1, undefined) },
  report: () => {},
  requeue: () => {},
  put: () => later(1, undefined),
  scale: async (image: Blob) => image,
  readLines: async function* (file: string) {
    yield `${file}: line 1`
    yield `${file}: line 2`
  },
  file: 'input.txt',
})
