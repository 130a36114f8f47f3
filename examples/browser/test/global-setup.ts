import { fileURLToPath } from 'node:url'
import { ensureBuilt } from '../../../scripts/ensure-built.ts'

/** The page is bundled from the packages' dist/, as a user gets them: build what is missing. */
export default function setup(): void {
  ensureBuilt(fileURLToPath(new URL('..', import.meta.url)))
}
