/// <reference types="node" />
import type { TestProject } from 'vitest/node'
import { startRedis } from './redis-server.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The URL of the redis-server every test file shares. */
    redisUrl: string
  }
}

/** Starts one redis-server for the whole run and stops it afterwards. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startRedis()
  project.provide('redisUrl', server.url)
  return () => server.stop('SIGTERM')
}
