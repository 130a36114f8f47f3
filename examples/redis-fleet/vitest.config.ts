import { defineConfig, mergeConfig } from 'vitest/config'
import shared from '../../scripts/vitest-shared.ts'

export default mergeConfig(shared, defineConfig({ test: { globalSetup: ['./test/global-setup.ts'] } }))
