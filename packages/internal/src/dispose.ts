/**
 * Injected by the shared tsup config (esbuild `inject`) wherever built code reads
 * `Symbol.asyncDispose` or `Symbol.dispose`: on runtimes that lack them it falls back to the
 * registered symbols TypeScript's own helpers use. Source code simply writes
 * `[Symbol.asyncDispose]()`, so declarations keep the well-known symbol.
 *
 * The look-ups are `/* @__PURE__ *\/` calls so that a bundle which uses neither symbol drops them.
 */
function wellKnown(name: 'asyncDispose' | 'dispose'): symbol {
  return (Symbol as { asyncDispose?: symbol; dispose?: symbol })[name] ?? Symbol.for(`Symbol.${name}`)
}

const asyncDispose: symbol = /* @__PURE__ */ wellKnown('asyncDispose')
const dispose: symbol = /* @__PURE__ */ wellKnown('dispose')

export { asyncDispose as 'Symbol.asyncDispose', dispose as 'Symbol.dispose' }
