import { expect } from 'vitest'
import { settle } from '../support/settle.js'
import type { Row } from './table.js'
import { MESSAGE_FORM, rendersReceived } from './values.js'

/** A short rendering of a bad value for a test name. */
export function show(value: unknown): string {
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'number' || typeof value === 'symbol' || value === undefined) return String(value)
  if (typeof value === 'bigint') return `${value}n`
  if (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) !== Object.prototype
  ) {
    return Object.prototype.toString.call(value)
  }
  try {
    return (
      JSON.stringify(value, (_, v: unknown) =>
        typeof v === 'number' && !Number.isFinite(v)
          ? String(v)
          : typeof v === 'bigint'
            ? `${v}n`
            : typeof v === 'symbol' || typeof v === 'function' || v === undefined
              ? String(v)
              : v,
      ) ?? String(value)
    )
  } catch {
    return String(value)
  }
}

/** Calls the API with the bad value and checks the error, the way it is reported, and the state. */
export async function checkRow(row: Row): Promise<void> {
  const { subject, call } = row.run()
  await settle(1)
  const before = subject.snapshot()
  let thrown: unknown
  let returned: unknown
  try {
    returned = call()
  } catch (error) {
    thrown = error
  }
  let error: unknown = thrown
  if (row.async) {
    expect(thrown, 'a promise-returning API rejects instead of throwing').toBeUndefined()
    expect(returned).toBeInstanceOf(Promise)
    let settled = false
    ;(returned as Promise<unknown>).then(
      () => {
        settled = true
      },
      (reason: unknown) => {
        settled = true
        error = reason
      },
    )
    // Bad input is refused at once: the promise must not be left running.
    await settle(2)
    expect(settled, 'the promise settled at once').toBe(true)
  }
  expect(error, 'it fails').toBeInstanceOf(row.bad.error)
  const message = (error as Error).message
  expect(message).toMatch(MESSAGE_FORM)
  expect(rendersReceived(message, row.bad.received), `"${message}" says what it received`).toBe(true)
  await settle(1)
  expect(subject.snapshot(), 'the bad call changed nothing').toStrictEqual(before)
  await subject.works()
}
