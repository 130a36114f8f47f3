import { fileURLToPath } from 'node:url'
import { ensureBuilt } from '../../../scripts/ensure-built.ts'

/** The demo runs under plain `node`, so it imports the built dist/ of @bigbuff/redis: build what is missing. */
export default function setup(): void {
  ensureBuilt(fileURLToPath(new URL('..', import.meta.url)))
}
