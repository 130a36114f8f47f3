import type { Consumer } from '@bigbuff/core'
import { invalid } from '@bigbuff/internal'

/** Throws `TypeError` unless `value` has the `get`, `commit` and `rollback` methods of a `Consumer`. */
export function assertConsumer(value: unknown, action: string): asserts value is Consumer<unknown> {
  const candidate = value as Partial<Record<'get' | 'commit' | 'rollback', unknown>> | null
  if (
    typeof value !== 'object' ||
    candidate === null ||
    typeof candidate.get !== 'function' ||
    typeof candidate.commit !== 'function' ||
    typeof candidate.rollback !== 'function'
  ) {
    throw new TypeError(invalid(action, 'consumer must be a Consumer with get, commit and rollback', value))
  }
}
