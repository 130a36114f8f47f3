/**
 * The protocol behind the fast path of the range loops (`range`, `iterate`, `rangeBatch` of
 * `@bigbuff/consumer`): a consumer that can hand over a value already at its cursor, and commit,
 * synchronously offers an {@link AtHand} under {@link AT_HAND}. The loops then take every value at
 * hand without a promise per value, and fall back to `get()`/`commit()` for everything else (an
 * empty source, an error to report, a closed consumer). BigBuffer's consumers and `ChannelConsumer`
 * (`@bigbuff/channel`, under a non-enumerable prototype property) offer one.
 *
 * The keys are registered symbols because this package is bundled into each package that uses it:
 * a buffer's copy and the consumer package's copy must agree on them.
 */
export const AT_HAND: unique symbol = Symbol.for('@bigbuff/at-hand')

/** What {@link AtHand.take} returns when no value is at hand (a registered symbol, see above). */
export const NOTHING_AT_HAND: unique symbol = Symbol.for('@bigbuff/nothing-at-hand')

/** The synchronous side of a consumer, for range loops. */
export interface AtHand<T> {
  /**
   * Takes the value at the cursor when `get()` would resolve with it at once, with the same effect
   * (the cursor advances); otherwise returns {@link NOTHING_AT_HAND} and changes nothing, and the
   * caller uses `get()`, which reports whatever stands in the way (closed, behind, nothing yet).
   */
  take(): T | typeof NOTHING_AT_HAND
  /** Does what `commit()` does, synchronously: throws what `commit()` would reject with. */
  commitNow(): void
  /**
   * For a consumer whose commits reach a server after `commitNow()` returned (Redis): settles once
   * every commit made so far is done, rejecting with what `commit()` would have rejected with. The
   * loops await it before they resolve, so a loop that finished has had its commits confirmed.
   */
  settle?(): Promise<void>
}

/** The {@link AtHand} side of `consumer`, or `undefined` when it has none. */
export function atHand<T>(consumer: object): AtHand<T> | undefined {
  const side = (consumer as { [AT_HAND]?: unknown })[AT_HAND]
  return typeof side === 'object' && side !== null ? (side as AtHand<T>) : undefined
}
