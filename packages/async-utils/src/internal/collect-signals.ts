import { assertIterable, invalid } from '@bigbuff/internal'

/** Reads every input of a signal combinator, validating each before anything is attached. */
export function collectSignals(signals: unknown, action: string): (AbortSignal | null | undefined)[] {
  assertIterable(signals, action, 'signals')
  const inputs: (AbortSignal | null | undefined)[] = []
  for (const input of signals) {
    if (input != null && !(input instanceof AbortSignal)) {
      throw new TypeError(invalid(action, 'every input must be an AbortSignal, null or undefined', input))
    }
    inputs.push(input)
  }
  return inputs
}
