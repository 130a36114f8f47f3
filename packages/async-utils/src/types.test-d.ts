import { expectTypeOf } from 'vitest'
import {
  allSignals,
  anySignal,
  type DisposableSignal,
  type ExponentialRetryOptions,
  exponentialRetry,
  linearAttempt,
  minDuration,
  onAbort,
} from './index.js'

expectTypeOf(anySignal([undefined, null, new AbortController().signal])).toEqualTypeOf<DisposableSignal>()
expectTypeOf(allSignals([new AbortController().signal])).toMatchTypeOf<Disposable>()
expectTypeOf(onAbort(AbortSignal.abort(), () => {})).toEqualTypeOf<Disposable>()
expectTypeOf(linearAttempt(10, 2)).toEqualTypeOf<AsyncIterableIterator<number>>()

// wrappers keep the parameter list and unwrap a promised result
const fetchUser = exponentialRetry(async (id: string, page: number) => ({ id, page }))
expectTypeOf(fetchUser).toEqualTypeOf<(id: string, page: number) => Promise<{ id: string; page: number }>>()
const syncWrapped = minDuration(10, (flag: boolean) => (flag ? 1 : 'one'))
expectTypeOf(syncWrapped).toEqualTypeOf<(flag: boolean) => Promise<1 | 'one'>>()
expectTypeOf<ExponentialRetryOptions>().toEqualTypeOf<{
  readonly base?: number | undefined
  readonly random?: (() => number) | undefined
  readonly signal?: AbortSignal | undefined
}>()
