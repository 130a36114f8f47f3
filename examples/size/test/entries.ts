/**
 * The imports measured: one per public class and function of each browser package, plus the
 * usual combinations. (`@bigbuff/redis` is Node-only and not bundled for browsers.)
 */
export interface Entry {
  /** Package directory under packages/. */
  readonly pkg: string
  /** The names imported from it. */
  readonly names: readonly string[]
  /** A second import, for combinations across packages. */
  readonly also?: { readonly pkg: string; readonly names: readonly string[] }
}

const PACKAGES: Record<string, readonly string[]> = {
  'async-utils': [
    'allSignals',
    'anySignal',
    'Cond',
    'exponentialRetry',
    'FatalError',
    'linearAttempt',
    'minDuration',
    'onAbort',
    'sleep',
    'waitFor',
  ],
  buffer: ['BigBuffer', 'defaultCleaner', 'fixedBufferCleaner'],
  channel: [
    'Chan',
    'ChannelConsumer',
    'Notifier',
    'PubSub',
    'select',
    'trySelect',
    'receiveCase',
    'sendCase',
  ],
  consumer: ['iterate', 'range', 'rangeBatch'],
  core: [
    'BigbuffError',
    'ClosedError',
    'ConsumerBehindError',
    'isBigbuffError',
    'NothingToCommitError',
    'NothingToRollbackError',
  ],
  exclusive: ['Exclusive'],
  workers: ['Worker', 'Workers'],
}

export const ENTRIES: readonly Entry[] = [
  ...Object.entries(PACKAGES).flatMap(([pkg, names]) => names.map((name) => ({ pkg, names: [name] }))),
  { pkg: 'channel', names: ['Chan', 'select'] },
  { pkg: 'buffer', names: ['BigBuffer'], also: { pkg: 'consumer', names: ['range'] } },
]

/** The entry's module source: re-exports what it imports, so nothing imported is unused. */
export function entrySource(entry: Entry): string {
  const line = (pkg: string, names: readonly string[]) =>
    `export { ${names.join(', ')} } from '@bigbuff/${pkg}'`
  return [line(entry.pkg, entry.names), ...(entry.also ? [line(entry.also.pkg, entry.also.names)] : [])].join(
    '\n',
  )
}

/** `{ Chan, select }`, `{ BigBuffer } + { range }`: how tables and test names show an entry. */
export function entryName(entry: Entry): string {
  const part = (pkg: string, names: readonly string[]) => `{ ${names.join(', ')} } (${pkg})`
  return [part(entry.pkg, entry.names), ...(entry.also ? [part(entry.also.pkg, entry.also.names)] : [])].join(
    ' + ',
  )
}
