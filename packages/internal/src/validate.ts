/** Renders a received value for an error message: `-1`, `"text"`, `null`, `function f`, `[object Map]`. */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
    case 'function':
      return `function ${value.name || '(anonymous)'}`
    case 'bigint':
      return `${value}n`
    case 'symbol':
      return value.toString()
    case 'object':
      if (value === null) return 'null'
      if (Array.isArray(value)) return `array of length ${value.length}`
      return Object.prototype.toString.call(value)
    default:
      return String(value)
  }
}

/** `Cannot <action>: <problem>, received <value>`. */
export function invalid(action: string, problem: string, value: unknown): string {
  return `Cannot ${action}: ${problem}, received ${describeValue(value)}`
}

/** Throws `TypeError` unless `value` is a function. */
export function assertFunction(value: unknown, action: string, name: string): asserts value is Function {
  if (typeof value !== 'function') throw new TypeError(invalid(action, `${name} must be a function`, value))
}

/** Throws `TypeError`/`RangeError` unless `value` is a finite number ≥ 0 (> 0 with `positive`). */
export function assertDuration(
  value: unknown,
  action: string,
  name: string,
  positive = false,
): asserts value is number {
  if (typeof value !== 'number')
    throw new TypeError(invalid(action, `${name} must be a number of milliseconds`, value))
  if (!Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    const bound = positive ? 'a finite number > 0' : 'a finite number ≥ 0'
    throw new RangeError(invalid(action, `${name} must be ${bound}`, value))
  }
}

/** Throws `TypeError`/`RangeError` unless `value` is a positive integer. */
export function assertPositiveInteger(value: unknown, action: string, name: string): asserts value is number {
  if (typeof value !== 'number')
    throw new TypeError(invalid(action, `${name} must be a positive integer`, value))
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(invalid(action, `${name} must be a positive integer`, value))
  }
}

/** Throws `TypeError`/`RangeError` unless `value` is a non-negative integer or `Infinity`. */
export function assertCapacity(value: unknown, action: string, name: string): asserts value is number {
  if (typeof value !== 'number') {
    throw new TypeError(invalid(action, `${name} must be a non-negative integer or Infinity`, value))
  }
  if (!(value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value >= 0))) {
    throw new RangeError(invalid(action, `${name} must be a non-negative integer or Infinity`, value))
  }
}

/** Throws `TypeError` unless `value` is an `AbortSignal` or `undefined`. */
export function assertSignal(value: unknown, action: string): asserts value is AbortSignal | undefined {
  if (value !== undefined && !(value instanceof AbortSignal)) {
    throw new TypeError(invalid(action, 'signal must be an AbortSignal', value))
  }
}

/** Throws `TypeError` unless `value` is `undefined` or a non-null object. */
export function assertOptions(value: unknown, action: string): asserts value is object | undefined {
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new TypeError(invalid(action, 'options must be an object', value))
  }
}

/** Reads `options.signal` after validating both; throws on bad input. */
export function signalOf(options: unknown, action: string): AbortSignal | undefined {
  assertOptions(options, action)
  const signal = (options as { signal?: unknown } | undefined)?.signal
  assertSignal(signal, action)
  return signal
}

/** Throws `TypeError` unless `value` is iterable. */
export function assertIterable(
  value: unknown,
  action: string,
  name: string,
): asserts value is Iterable<unknown> {
  if (value == null || typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
    throw new TypeError(invalid(action, `${name} must be iterable`, value))
  }
}
