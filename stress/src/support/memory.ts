export { collected, heapAfterGc } from '@bigbuff/test-utils'

/** Bytes as a short human figure. */
export function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`
}
