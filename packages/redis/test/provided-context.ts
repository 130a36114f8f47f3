declare module 'vitest' {
  export interface ProvidedContext {
    /** The URL of the redis-server every test file shares (see global-setup.ts). */
    redisUrl: string
  }
}

export {}
