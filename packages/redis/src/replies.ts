/**
 * The replies a consumer reads, parsed once where they arrive into typed records: nothing past this
 * module indexes a raw Redis reply.
 */

/** One stream entry: its id and its "v" field (`undefined` when the entry has none). */
export interface StreamEntry {
  readonly id: string
  readonly text: string | undefined
}

/** What a read returned: entries in order, and the gap found before them, if any. */
export interface ReadResult {
  /** `history` re-read own pending entries, `claim` took idle ones, `behind` only reports a gap, `new` read new ones. */
  readonly kind: 'history' | 'claim' | 'behind' | 'new'
  /** The XAUTOCLAIM cursor to continue a claim pass from (`0-0` when the pass is over). */
  readonly claimCursor: string
  /** Entries the name had not read that were trimmed away (0 when none). */
  readonly lost: number
  /** The name's read counter before the lost entries: the offset of the gap. */
  readonly offset: number
  /** The last id returned (history), or the group's last-delivered id before the read (new). */
  readonly lastId: string | undefined
  readonly entries: readonly StreamEntry[]
}

const NO_ENTRIES: readonly StreamEntry[] = []

/**
 * Parses the reply of the `READ` script: `{ kind, claim cursor, lost, read counter, id, id1, value1, … }`
 * where a value is 0 for an entry without a "v" field.
 */
export function parseReadScript(reply: unknown): ReadResult {
  const list = reply as readonly unknown[]
  const entries: StreamEntry[] = []
  for (let i = 5; i < list.length; i += 2) {
    const text = list[i + 1]
    entries.push({ id: list[i] as string, text: typeof text === 'string' ? text : undefined })
  }
  return {
    kind: list[0] as ReadResult['kind'],
    claimCursor: list[1] as string,
    lost: list[2] as number,
    offset: list[3] as number,
    lastId: (list[4] as string | null) ?? undefined,
    entries,
  }
}

/**
 * Parses the replies of the transaction that reads new entries: the `CHECK_GAP` script's
 * `{ lost, read counter, last-delivered id }`, then `XREADGROUP … >` (`null` when nothing was new, else
 * `[[key, [[id, [field, value, …]], …]]]`).
 */
export function parseNewRead(replies: unknown): ReadResult {
  const [gap, streams] = replies as [[number, number, string], [string, [string, string[]][]][] | null]
  let entries = NO_ENTRIES
  if (streams !== null && streams.length > 0) {
    const raw = streams[0]![1]
    const parsed: StreamEntry[] = new Array(raw.length)
    for (let i = 0; i < raw.length; i++) {
      const [id, fields] = raw[i]!
      parsed[i] = { id, text: textOf(fields) }
    }
    entries = parsed
  }
  return { kind: 'new', claimCursor: '0-0', lost: gap[0], offset: gap[1], lastId: gap[2], entries }
}

/** The "v" field of an entry's `[field, value, …]` list, if it is there. */
function textOf(fields: readonly string[] | null): string | undefined {
  if (fields === null) return undefined
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === 'v') return fields[i + 1]
  return undefined
}
