export { Exclusive } from './exclusive.js'
export type { ExclusiveCallOptions, ExclusiveOptions, Work } from './types.js'
