/**
 * Brands: how a package recognises its own objects when two copies of it are loaded at once (its
 * ESM and CJS builds, say), where `instanceof` fails because each copy has its own classes. A brand
 * is a registered symbol (`Symbol.for`), the same in every copy, keyed on a prototype (or an object);
 * its value can carry what the owning copy needs to act on the object. Pure: creating a key has no
 * side effect, so an unused brand tree-shakes away.
 */

/** The registered symbol for `name` (`'<package>.<Class>.v<n>'`); bump `v<n>` when the value's shape changes. */
export function brandKey(name: string): symbol {
  return Symbol.for(`@bigbuff/${name}`)
}

/** The brand `key` carries on `value` (own or inherited), or undefined when `value` has none. */
export function brandOf<V>(value: unknown, key: symbol): V | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  return (value as Record<symbol, V | undefined>)[key]
}

/** Puts brand `key` with `value` on `target` (a prototype): non-enumerable, read-only. */
export function setBrand(target: object, key: symbol, value: unknown): void {
  Object.defineProperty(target, key, { value })
}
