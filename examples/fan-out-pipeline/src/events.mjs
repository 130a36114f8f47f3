// Synthetic log events: deterministic, so every run of the demo sees the same stream.
export const SERVICES = ['api', 'auth', 'billing', 'search', 'storage', 'mailer']
const LEVELS = ['debug', 'info', 'info', 'info', 'warn', 'error']

/** A small xorshift generator: repeatable runs without Math.random. */
export function randomSource(seed) {
  let state = seed >>> 0 || 1
  return () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 0x1_0000_0000
  }
}

/** The event numbered `seq` from `source`. */
export function makeEvent(random, seq, source) {
  const service = SERVICES[Math.floor(random() * SERVICES.length)]
  const level = LEVELS[Math.floor(random() * LEVELS.length)]
  return {
    seq,
    source,
    service,
    level,
    latencyMs: Math.round(random() * random() * 900),
    message: `${service} ${level} #${seq}`,
  }
}
