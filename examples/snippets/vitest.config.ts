export { default } from '../../scripts/vitest-shared.ts'
