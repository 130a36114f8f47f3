export type { BigbuffErrorByCode, BigbuffErrorCode } from '@bigbuff/core'
export { BigbuffError, isBigbuffError } from '@bigbuff/core'
export { Exclusive } from './exclusive.js'
export type { ExclusiveCallOptions, ExclusiveOptions, Work } from './types.js'
