import { expectTypeOf } from 'vitest'
import { Exclusive, type ExclusiveOptions, isBigbuffError } from './index.js'

// onError receives the key with the Exclusive's key type.
new Exclusive<string>({
  onError(error, key) {
    expectTypeOf(error).toEqualTypeOf<unknown>()
    expectTypeOf(key).toEqualTypeOf<string>()
  },
})
new Exclusive<{ id: number }>({ onError: (_error, key) => expectTypeOf(key.id).toEqualTypeOf<number>() })
expectTypeOf<ExclusiveOptions<'a' | 'b'>['onError']>().toEqualTypeOf<
  ((error: unknown, key: 'a' | 'b') => void) | undefined
>()
// Inferred from the options when no type argument is given.
const inferred = new Exclusive({ onError: (_error: unknown, _key: number) => {} })
expectTypeOf(inferred.running).parameter(0).toEqualTypeOf<number>()
// A handler for another key type is refused.
// @ts-expect-error the key is a string, not a number
new Exclusive<string>({ onError: (_error: unknown, key: number) => key })

// The errors are caught with the package's own isBigbuffError.
expectTypeOf(isBigbuffError).toEqualTypeOf<typeof import('@bigbuff/core').isBigbuffError>()
