/**
 * The explicit-resource-management globals every package's declarations use (`Disposable`,
 * `AsyncDisposable`, `Symbol.dispose`, `Symbol.asyncDispose`), declared the way TypeScript's
 * `esnext.disposable` lib and `@types/node` declare them, so they merge with those when present
 * and stand in for them when not: the published `.d.ts` files type-check under
 * `lib: ["ES2022", "DOM"]` with `skipLibCheck: false`, and `using` / `await using` work where the
 * user's lib has disposables. Types only; no runtime code.
 */
declare global {
  interface SymbolConstructor {
    /** The method `using` calls when leaving a block. */
    readonly dispose: unique symbol
    /** The method `await using` calls when leaving a block. */
    readonly asyncDispose: unique symbol
  }

  /** An object `using` can dispose of. */
  interface Disposable {
    /** Releases what the object holds. */
    [Symbol.dispose](): void
  }

  /** An object `await using` can dispose of. */
  interface AsyncDisposable {
    /** Releases what the object holds; settles once it has. */
    [Symbol.asyncDispose](): PromiseLike<void>
  }
}

export type {}
