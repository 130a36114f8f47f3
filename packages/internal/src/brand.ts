/**
 * Brands: how a package recognises its own objects when two copies of it are loaded at once (its
 * ESM and CJS builds, say), where `instanceof` fails because each copy has its own classes. A brand
 * is a property keyed by a registered symbol (`Symbol.for`, the same in every copy), usually on a
 * prototype; its value can carry what the owning copy needs to act on the object.
 */

/** The value of brand `key` on `value` (own or inherited), or undefined when `value` has none. */
export function brandOf<V>(value: unknown, key: symbol): V | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  return (value as Record<symbol, V | undefined>)[key]
}
