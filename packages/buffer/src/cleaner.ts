import { assertFunction, assertPositiveInteger, invalid } from '@bigbuff/internal'

/**
 * Decides how many values a {@link BigBuffer} drops from the front of its retained values.
 *
 * - Called with the number of retained values and every open consumer's committed offset relative
 *   to the front (0 is the oldest retained value; negative when a consumer fell behind a forced
 *   trim). Uncommitted reads are invisible to it; the order of `offsets` is unspecified.
 * - Returns how many values to drop; the buffer clamps the result to `[0, size]`.
 * - Must be synchronous and must not call back into the buffer. If it throws, the buffer closes
 *   and the error goes to the buffer's `onError`.
 *
 * @example
 * ```ts
 * const keepEverything: Cleaner = () => 0
 * ```
 */
export type Cleaner = (size: number, offsets: readonly number[]) => number

/** The cleaner and cooldown a {@link BigBuffer} retains values with. */
export interface CleanerConfig {
  /** Decides what to drop; see {@link Cleaner}. */
  readonly cleaner: Cleaner
  /** Milliseconds between two runs of the cleaner (0: after every change). Finite, ≥ 0. */
  readonly cooldown: number
}

/** The cooldown a {@link BigBuffer} uses unless told otherwise: 10 ms, as in Go. */
export const DEFAULT_CLEANER_COOLDOWN = 10

/**
 * The cleaner a {@link BigBuffer} uses by default: drops exactly what every consumer committed.
 *
 * - Returns 0 when any offset is 0 or no offset is ≥ 0 (so with no consumers nothing is dropped).
 * - Otherwise returns the smallest non-negative offset. Negative offsets (consumers that already
 *   fell behind) are ignored.
 *
 * @param size - the number of retained values (checked, but the offsets decide).
 * @param offsets - the open consumers' committed offsets, relative to the front.
 * @returns how many values to drop from the front.
 * @throws TypeError when `size` is not a number, `offsets` is not an array or holds a non-number.
 * @throws RangeError when `size` is not a non-negative integer.
 * @example
 * ```ts
 * defaultCleaner(10, [4, 7]) // 4
 * defaultCleaner(10, []) // 0
 * ```
 */
export function defaultCleaner(size: number, offsets: readonly number[]): number {
  assertSize(size)
  if (!Array.isArray(offsets)) throw new TypeError(invalid(CLEAN, OFFSETS_PROBLEM, offsets))
  // No early return on a 0, so every entry is checked; the buffer passes one per consumer.
  let smallest = -1
  for (let i = 0; i < offsets.length; i++) {
    const offset: unknown = offsets[i]
    if (typeof offset !== 'number') throw new TypeError(invalid(CLEAN, OFFSETS_PROBLEM, offset))
    if (offset >= 0 && (smallest < 0 || offset < smallest)) smallest = offset
  }
  return Math.max(smallest, 0)
}

/** What {@link fixedBufferCleaner} reports each time it forces a trim. */
export interface FixedBufferCleanerNotification {
  /** The size above which a trim is forced. */
  readonly max: number
  /** The size a forced trim leaves. */
  readonly target: number
  /** The number of retained values when the trim was decided. */
  readonly size: number
  /** The consumers' committed offsets the cleaner was called with. */
  readonly offsets: readonly number[]
  /** How many values are dropped: `size - target`. */
  readonly trim: number
}

/**
 * A cleaner that bounds the buffer: above `max` values it trims to `target` whatever the consumers
 * committed; otherwise it behaves as {@link defaultCleaner}.
 *
 * - Consumers whose cursor falls inside the dropped range get `ConsumerBehindError` from `get()`.
 * - `onTrim`, if given, is called synchronously before each forced trim; like the cleaner it must
 *   not call back into the buffer.
 *
 * @param max - the size above which a trim is forced; a positive integer.
 * @param target - the size a forced trim leaves; an integer in `[0, max]`.
 * @param onTrim - notified of every forced trim.
 * @returns the cleaner; like {@link defaultCleaner} it throws `TypeError`/`RangeError` when called
 *   with a `size` that is not a non-negative integer or `offsets` that are not an array of numbers.
 * @throws TypeError when `max` or `target` is not a number or `onTrim` is not a function.
 * @throws RangeError when `max` is not a positive integer or `target` is not an integer in `[0, max]`.
 * @example
 * ```ts
 * const buffer = new BigBuffer<string>({
 *   cleaner: fixedBufferCleaner(10_000, 8_000, (n) => console.warn(`dropped ${n.trim} values`)),
 * })
 * ```
 */
export function fixedBufferCleaner(
  max: number,
  target: number,
  onTrim?: (notification: FixedBufferCleanerNotification) => void,
): Cleaner {
  const action = 'create fixed buffer cleaner'
  assertPositiveInteger(max, action, 'max')
  if (typeof target !== 'number') {
    throw new TypeError(invalid(action, 'target must be an integer between 0 and max', target))
  }
  if (!Number.isInteger(target) || target < 0 || target > max) {
    throw new RangeError(invalid(action, `target must be an integer between 0 and max (${max})`, target))
  }
  if (onTrim !== undefined) assertFunction(onTrim, action, 'onTrim')
  return (size, offsets) => {
    if (size <= max) return defaultCleaner(size, offsets)
    assertSize(size)
    assertOffsets(offsets)
    const trim = size - target
    onTrim?.({ max, target, size, offsets, trim })
    return trim
  }
}

const CLEAN = 'clean buffer'
const OFFSETS_PROBLEM = 'offsets must be an array of numbers'

/** Throws `TypeError`/`RangeError` unless `size` is a non-negative integer. */
function assertSize(size: unknown): void {
  const problem = 'size must be a non-negative integer'
  if (typeof size !== 'number') throw new TypeError(invalid(CLEAN, problem, size))
  if (!Number.isInteger(size) || size < 0) throw new RangeError(invalid(CLEAN, problem, size))
}

/** Throws `TypeError` unless `offsets` is an array of numbers. */
function assertOffsets(offsets: unknown): void {
  if (!Array.isArray(offsets)) throw new TypeError(invalid(CLEAN, OFFSETS_PROBLEM, offsets))
  for (const offset of offsets as unknown[]) {
    if (typeof offset !== 'number') throw new TypeError(invalid(CLEAN, OFFSETS_PROBLEM, offset))
  }
}
