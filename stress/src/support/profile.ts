import fc from 'fast-check'

/**
 * The two profiles of this suite, chosen by the `STRESS` environment variable: the bounded profile
 * (`pnpm test`, CI) and the full profile (`STRESS=full`, `pnpm test:stress`). Both run the same tests;
 * only the number of runs differs, and the soak tests exist only in the full profile.
 */
export const FULL = process.env.STRESS === 'full'

/** Runs of one property: `bounded` in the bounded profile, at least 1000 in the full one. */
export function runs(bounded: number, full = 1000): number {
  return FULL ? Math.max(full, 1000) : bounded
}

/** A per-test timeout that leaves room for the full profile on a busy 2-core machine. */
export const PROPERTY_TIMEOUT = FULL ? 30 * 60_000 : 20_000

/**
 * Constraints for `fc.commands`: long enough sequences to reach deep states (fast-check's default size
 * makes most of them a handful of commands long).
 */
export const COMMANDS = { maxCommands: 80, size: 'max' } as const

/** Command arbitraries picked with weights, for `fc.commands` (which otherwise picks uniformly). */
export function weighted<C>(...choices: [weight: number, arbitrary: fc.Arbitrary<C>][]): fc.Arbitrary<C>[] {
  return [fc.oneof(...choices.map(([weight, arbitrary]) => ({ weight, arbitrary })))]
}
