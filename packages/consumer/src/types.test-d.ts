import { BigBuffer } from '@bigbuff/buffer'
import type { Consumer } from '@bigbuff/core'
import { expectTypeOf } from 'vitest'
import { iterate, type RangeBatchFn, type RangeFn, range, rangeBatch } from './index.js'

declare const consumer: Consumer<number>
const list: number[] = []

// fn may return anything: only `false` stops, so a push()'s length or any value is fine
expectTypeOf(range(consumer, (value) => list.push(value))).toEqualTypeOf<Promise<void>>()
void range(consumer, async (value) => `${value}`)
void range(consumer, () => false)
void range(consumer, () => Promise.resolve(0))
expectTypeOf<ReturnType<RangeFn<number>>>().toBeUnknown()
expectTypeOf<Parameters<RangeFn<string>>>().toEqualTypeOf<[value: string, index: number]>()

// the value and index are typed from the consumer
void range(consumer, (value, index) => {
  expectTypeOf(value).toEqualTypeOf<number>()
  expectTypeOf(index).toEqualTypeOf<number>()
})
// @ts-expect-error a consumer of numbers does not hand fn strings
void range(consumer, (value: string) => value.length)
// @ts-expect-error fn is required
void range(consumer)

void rangeBatch(consumer, (values) => list.push(...values), { maxSize: 10 })
void rangeBatch(
  consumer,
  async (values, index) => {
    expectTypeOf(values).toEqualTypeOf<number[]>()
    expectTypeOf(index).toEqualTypeOf<number>()
    return values.length
  },
  { maxSize: 10, maxWait: undefined },
)
expectTypeOf<ReturnType<RangeBatchFn<number>>>().toBeUnknown()
// @ts-expect-error maxSize is required
void rangeBatch(consumer, () => {}, {})

expectTypeOf(iterate(consumer)).toEqualTypeOf<AsyncIterableIterator<number>>()
expectTypeOf(iterate(consumer, { signal: undefined })).toEqualTypeOf<AsyncIterableIterator<number>>()

// BigBuffer.range takes the same kind of fn
const buffer = new BigBuffer<{ id: number }>()
void buffer.range(buffer.consumer(), (value) => list.push(value.id))
