import { createHash } from 'node:crypto'
import type { Connection } from '../connection.js'

/** A Lua script with any number of keys, and the SHA1 Redis knows it by. */
export interface LuaScript {
  readonly source: string
  readonly sha: string
}

/** Defines a script; `source` is sent only when Redis does not know its SHA1 (first use, or after a restart). */
export function lua(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') }
}

/**
 * Runs `script` with `EVALSHA`, and once more with `EVAL` when Redis answers `NOSCRIPT` (a Redis
 * that restarted, or was flushed, has forgotten every script).
 */
export async function runLua(
  connection: Connection,
  script: LuaScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  const tail = [String(keys.length), ...keys, ...args.map(String)]
  try {
    return await connection.send(['EVALSHA', script.sha, ...tail])
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
    return connection.send(['EVAL', script.source, ...tail])
  }
}

/**
 * Lua that sets `token` to the next fencing token of a hash `KEYS[n]` field `token`: one more than
 * the last one, and never less than the Redis clock in microseconds, so tokens keep increasing
 * after an idle key expired and its counter with it (as long as the Redis clock does not go back).
 * Numbers are stored with `%.0f`: Lua would otherwise write large ones in exponent notation.
 */
export const NEXT_TOKEN = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local function next_token(key)
  local _, us = now_ms()
  local last = tonumber(redis.call('HGET', key, 'token') or '0')
  local token = math.max(last + 1, us)
  redis.call('HSET', key, 'token', string.format('%.0f', token))
  return token
end
local function num(n) return string.format('%.0f', n) end
`
