// Helpers shared by the orchestrator (run.mjs), the child runner (child.mjs) and the workloads.

/** The workloads, in report order; each is `workloads/<name>.mjs`. */
export const WORKLOADS = ['limiter', 'channels', 'fanout', 'keyed', 'memory', 'redis']

/** Thrown by an implementation factory whose package is not built or does not export the API yet. */
export class Unavailable extends Error {}

/**
 * Loads one export of a @bigbuff package from its built `dist` (what users get: plain Node resolves
 * the `import` condition, not the `@bigbuff/source` one the tests use).
 */
export async function ours(pkg, name) {
  let mod
  try {
    mod = await import(pkg)
  } catch (error) {
    throw new Unavailable(`${pkg} is not built (${error?.code ?? error?.message})`)
  }
  if (mod[name] === undefined) throw new Unavailable(`${pkg} does not export ${name} yet`)
  return mod[name]
}

/** The scenario `id` of a workload, built for the same mode as in the parent process. */
export async function loadScenario(workload, id, options) {
  const mod = await import(`./workloads/${workload}.mjs`)
  const scenario = mod.scenarios(options).find((s) => s.id === id)
  if (!scenario) throw new Error(`no scenario ${id} in ${workload}`)
  return scenario
}

/** Fails the run when a benchmark did not do the work it claims to measure. */
export function expect(actual, wanted, what) {
  if (actual !== wanted) throw new Error(`${what}: expected ${wanted}, got ${actual}`)
}

/** Sum of 0 … n-1: what a consumer of the messages 0 … n-1 must have added up. */
export const sumTo = (n) => (n * (n - 1)) / 2
