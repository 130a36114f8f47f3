export type { Release } from './worker.js'
export { Worker } from './worker.js'
export { Workers } from './workers.js'
