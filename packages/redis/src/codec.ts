import { invalid } from '@bigbuff/internal'
import type { Codec } from './types.js'

/** The default codec: JSON text. `undefined` (and anything else JSON drops) is refused with `TypeError`. */
export const jsonCodec: Codec<unknown> = {
  encode(value: unknown): string {
    const text: string | undefined = JSON.stringify(value)
    if (text === undefined) {
      throw new TypeError(invalid('put', 'the default JSON codec cannot represent the value', value))
    }
    return text
  },
  decode(text: string): unknown {
    return JSON.parse(text)
  },
}

/** Throws `TypeError` unless `codec` has `encode` and `decode` functions. */
export function assertCodec(codec: unknown, action: string): asserts codec is Codec<unknown> {
  const candidate = codec as Partial<Codec<unknown>> | null
  if (
    typeof codec !== 'object' ||
    candidate === null ||
    typeof candidate.encode !== 'function' ||
    typeof candidate.decode !== 'function'
  ) {
    throw new TypeError(invalid(action, 'codec must be an object with encode and decode functions', codec))
  }
}

/** Encodes with `codec`, insisting on a string result. */
export function encodeWith<T>(codec: Codec<T>, value: T): string {
  const text: unknown = codec.encode(value)
  if (typeof text !== 'string') throw new TypeError(invalid('put', 'codec.encode must return a string', text))
  return text
}
