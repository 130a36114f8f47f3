import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

const exampleDir = fileURLToPath(new URL('..', import.meta.url))

/** Uses the built classes the way an application does; `using` is lowered by the bundler (ES2022). */
const APP = `
import { Chan, ChannelConsumer, Notifier, PubSub } from '@bigbuff/channel'
import { BigBuffer } from '@bigbuff/buffer'
import { Cond, FatalError, allSignals, onAbort } from '@bigbuff/async-utils'
import { Exclusive } from '@bigbuff/exclusive'
import { Worker, Workers } from '@bigbuff/workers'
export const classes = { BigBuffer, Chan, ChannelConsumer, Cond, Exclusive, FatalError, Notifier, PubSub, Worker, Workers }
export async function run() {
  const chan = new Chan(1)
  const pubsub = new PubSub()
  const buffer = new BigBuffer()
  const consumer = new ChannelConsumer(new Chan(1))
  const controller = new AbortController()
  let aborted = false
  let listener
  {
    using c = chan
    using p = pubsub
    await using b = buffer
    await using k = consumer
    using l = onAbort(controller.signal, () => { aborted = true })
    using s = allSignals([controller.signal])
    listener = l
  }
  controller.abort()
  return {
    closed: [chan.closed, pubsub.closed, buffer.closed, consumer.closed],
    aborted,
    listenerName: listener.constructor.name,
  }
}
`

interface App {
  readonly classes: Record<string, { name: string; prototype: Record<symbol, unknown> }>
  run(): Promise<{ closed: boolean[]; aborted: boolean; listenerName: string }>
}

let bundled: string | undefined

/** Bundles APP from the built packages (their dist/) and evaluates it with the given `Symbol`. */
async function load(symbol: SymbolConstructor): Promise<App> {
  if (bundled === undefined) {
    const result = await build({
      stdin: { contents: APP, resolveDir: exampleDir, sourcefile: 'app.js', loader: 'js' },
      bundle: true,
      format: 'cjs',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    })
    bundled = result.outputFiles[0]?.text ?? ''
  }
  const module = { exports: {} as App }
  new Function('Symbol', 'module', 'exports', bundled)(symbol, module, module.exports)
  return module.exports
}

/** `Symbol` as on runtimes without the dispose symbols: everything else is the real one. */
function symbolWithoutDispose(): SymbolConstructor {
  const fake = ((description?: string | number) => Symbol(description)) as unknown as Record<string, unknown>
  for (const key of [
    'for',
    'keyFor',
    'iterator',
    'asyncIterator',
    'hasInstance',
    'toPrimitive',
    'toStringTag',
  ])
    fake[key] = (Symbol as unknown as Record<string, unknown>)[key]
  return fake as unknown as SymbolConstructor
}

describe('the built packages', () => {
  it('keep every class name, including classes wrapped to stay tree-shakeable', async () => {
    const app = await load(Symbol)
    for (const [name, value] of Object.entries(app.classes)) expect(value.name).toBe(name)
    expect((await app.run()).listenerName).toBe('AbortListener')
  })

  it('dispose with using / await using through Symbol.dispose and Symbol.asyncDispose', async () => {
    const app = await load(Symbol)
    expect(app.classes.Chan?.prototype[Symbol.dispose]).toBeTypeOf('function')
    expect(app.classes.BigBuffer?.prototype[Symbol.asyncDispose]).toBeTypeOf('function')
    const result = await app.run()
    expect(result.closed).toEqual([true, true, true, true])
    expect(result.aborted).toBe(false)
  })

  it('fall back to Symbol.for("Symbol.dispose") / ("Symbol.asyncDispose") where the runtime lacks the symbols', async () => {
    const fake = symbolWithoutDispose()
    expect(fake.dispose).toBeUndefined()
    const app = await load(fake)
    const { Chan, PubSub, BigBuffer, ChannelConsumer } = app.classes
    expect(Chan?.prototype[Symbol.for('Symbol.dispose')]).toBeTypeOf('function')
    expect(PubSub?.prototype[Symbol.for('Symbol.dispose')]).toBeTypeOf('function')
    expect(BigBuffer?.prototype[Symbol.for('Symbol.asyncDispose')]).toBeTypeOf('function')
    expect(ChannelConsumer?.prototype[Symbol.for('Symbol.asyncDispose')]).toBeTypeOf('function')
    expect(Chan?.prototype[Symbol.dispose]).toBeUndefined()
    // The bundler's lowered `using` looks the same registered symbols up.
    const result = await app.run()
    expect(result.closed).toEqual([true, true, true, true])
    expect(result.aborted).toBe(false)
  })
})
