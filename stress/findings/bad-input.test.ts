import { describe, it } from 'vitest'
import { checkRow, show } from '../src/bad-input/check.js'
import { TABLE } from '../src/bad-input/table.js'

// Reproductions of open bad-input findings in FINDINGS.md: each fails until its bug is fixed; then the
// row's `finding` mark comes off and it runs in the normal suite. With none open, nothing runs here.
describe('bad input findings', () => {
  const rows = TABLE.filter((row) => row.finding !== undefined)
  if (rows.length === 0) return
  it.each(rows.map((row) => [row.finding, row.api, show(row.bad.value), row] as const))(
    '%s: %s with %s',
    async (_finding, _api, _value, row) => {
      await checkRow(row)
    },
  )
})
