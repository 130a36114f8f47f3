import { expectTypeOf } from 'vitest'
import {
  Chan,
  type ReceiveCase,
  receiveCase,
  type SelectCase,
  type SelectResult,
  type SendCase,
  select,
  sendCase,
  trySelect,
} from './index.js'

const numbers = new Chan<number>()
const names = new Chan<string>()
const flags = new Chan<boolean>()

expectTypeOf(receiveCase(numbers)).toEqualTypeOf<ReceiveCase<number>>()
expectTypeOf(sendCase(names, 'x')).toEqualTypeOf<SendCase<string>>()
// @ts-expect-error a send case carries the channel's value type
sendCase(names, 1)

// select: narrowing on `index` types `value`, per case position.
async function typedSelect(): Promise<void> {
  const result = await select([receiveCase(numbers), sendCase(names, 'x'), receiveCase(flags)])
  expectTypeOf(result.index).toEqualTypeOf<0 | 1 | 2>()
  if (result.index === 0) {
    // A receive case from a closed channel gives `undefined` with `ok: false`.
    expectTypeOf(result.value).toEqualTypeOf<number | undefined>()
    if (result.ok) expectTypeOf(result.value).toEqualTypeOf<number>()
    else expectTypeOf(result.value).toEqualTypeOf<undefined>()
  } else if (result.index === 1) {
    expectTypeOf(result.value).toEqualTypeOf<undefined>()
    expectTypeOf(result.ok).toEqualTypeOf<true>()
  } else {
    expectTypeOf(result.index).toEqualTypeOf<2>()
    if (result.ok) expectTypeOf(result.value).toEqualTypeOf<boolean>()
  }
  // Destructured, as in Go's `v, ok := <-ch`.
  const { index, value, ok } = await select([receiveCase(numbers), receiveCase(names)])
  if (index === 1 && ok) expectTypeOf(value).toEqualTypeOf<string>()
}
void typedSelect

// trySelect: the same result, or undefined when nothing is ready.
const tried = trySelect([receiveCase(numbers), sendCase(flags, true)])
expectTypeOf(tried).toEqualTypeOf<
  | { readonly index: 0; readonly value: number; readonly ok: true }
  | { readonly index: 0; readonly value: undefined; readonly ok: false }
  | { readonly index: 1; readonly value: undefined; readonly ok: true }
  | undefined
>()

// An array whose length is not known: `index` is a number, values keep their type.
const many: ReceiveCase<number>[] = [numbers, numbers].map((chan) => receiveCase(chan))
expectTypeOf(select(many)).resolves.toEqualTypeOf<
  | { readonly index: number; readonly value: number; readonly ok: true }
  | { readonly index: number; readonly value: undefined; readonly ok: false }
>()

// The untyped form: any cases, `value: unknown`.
const untyped: SelectCase[] = [receiveCase(numbers), sendCase(names, 'x')]
expectTypeOf(select(untyped)).resolves.toEqualTypeOf<SelectResult>()
expectTypeOf<SelectResult['index']>().toEqualTypeOf<number>()
expectTypeOf<SelectResult['value']>().toEqualTypeOf<unknown>()
expectTypeOf<SelectResult['ok']>().toEqualTypeOf<boolean>()

// Only cases are accepted.
// @ts-expect-error a channel is not a case
void select([numbers])
