import { fileURLToPath } from 'node:url'
import { ensureBuilt } from '../../ensure-built.ts'

/** The packed-tarball and two-copies tests read the packages' dist/: build what changed. */
export default function setup(): void {
  ensureBuilt(fileURLToPath(new URL('..', import.meta.url)))
}
