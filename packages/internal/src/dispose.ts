/**
 * Injected by the shared tsup config (esbuild `inject`) wherever built code reads
 * `Symbol.asyncDispose` or `Symbol.dispose`: on runtimes that lack them it falls back to the
 * registered symbols TypeScript's own helpers use. Source code simply writes
 * `[Symbol.asyncDispose]()`, so declarations keep the well-known symbol.
 */
const symbols = Symbol as { asyncDispose?: symbol; dispose?: symbol }
const asyncDispose: symbol = symbols.asyncDispose ?? Symbol.for('Symbol.asyncDispose')
const dispose: symbol = symbols.dispose ?? Symbol.for('Symbol.dispose')

export { asyncDispose as 'Symbol.asyncDispose', dispose as 'Symbol.dispose' }
