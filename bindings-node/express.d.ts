import type { RequestHandler } from 'express'
import type { ClientIpResolver, JwtVerifier, RateLimiter, Schema, Claims, LimiterKey } from './index'

/** One structured record per rejection (never the token, the body or a stack). */
export interface RejectionRecord {
  timestamp: string
  method: string
  path: string
  status: number
  code: string
  client_ip: string | null
  user: string | null
  latency_ms: number | null
}
export type Logger = ((record: RejectionRecord) => void) | { warn(record: RejectionRecord): void }
export type TrustProxy = number | string[] | ClientIpResolver | false

declare global {
  namespace Express {
    interface Request {
      /** The verified claims (set by bearerAuth). */
      auth?: Claims
    }
  }
}

export declare function bearerAuth(verifier: JwtVerifier, options?: { scopes?: string[]; logger?: Logger; trustProxy?: TrustProxy; clock?: () => number; sync?: boolean }): RequestHandler
export declare function rateLimit(limiter: RateLimiter, options?: {
  key?: 'ip' | 'user' | ((req: import('express').Request) => LimiterKey | null | undefined)
  trustProxy?: TrustProxy
  userLimiter?: RateLimiter
  cost?: number
  /** Paths not rate-limited, with everything below them (`/health` also covers `/health/live`, not `/healthz`). */
  exclude?: string[]
  logger?: Logger
  clock?: () => number
}): RequestHandler
export declare function validateBody(schema: Schema, options?: { logger?: Logger; trustProxy?: TrustProxy }): RequestHandler
export declare function readBody(req: import('node:stream').Readable, limit: number): Promise<Buffer | null>
export declare const consoleLogger: { warn(record: RejectionRecord): void }
