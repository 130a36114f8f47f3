/// <reference types="node" />
import type { TestProject } from 'vitest/node'
import './provided-context.js'
import { startRedis } from './redis-server.js'

/** Starts one redis-server for the whole run and stops it afterwards. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startRedis()
  project.provide('redisUrl', server.url)
  return () => server.stop('SIGTERM')
}
