import { packageConfig } from '../../scripts/tsup-shared.ts'

export default packageConfig()
