import { describe, it } from 'vitest'
import { checkRow, show } from './check.js'
import { TABLE } from './table.js'

describe('bad input: every exported function, constructor and method', () => {
  const rows = TABLE.filter((row) => row.finding === undefined)
  it.each(rows.map((row) => [row.api, show(row.bad.value), row.bad.error.name, row] as const))(
    '%s with %s → %s',
    async (_api, _value, _error, row) => {
      await checkRow(row)
    },
  )
})
