import type { FastifyPluginCallback, FastifyRequest } from 'fastify'
import type { JwtVerifier, RateLimiter, Schema, Claims, LimiterKey } from './index'
import type { Logger, TrustProxy } from './express'

export interface ApiwardPluginOptions {
  verifier?: JwtVerifier
  /** Applied to every route (by client IP) unless its config says `rateLimit: false`. */
  rateLimit?: RateLimiter
  trustProxy?: TrustProxy
  /** Paths not rate-limited, with everything below them (`/health` also covers `/health/live`, not `/healthz`). */
  exclude?: string[]
  logger?: Logger
  clock?: () => number
  sync?: boolean
}

export interface ApiwardRouteConfig {
  auth?: true | { scopes?: string[] }
  rateLimit?: false | RateLimiter | { limiter: RateLimiter; key?: 'ip' | 'user' | ((req: FastifyRequest) => LimiterKey | null | undefined); userLimiter?: RateLimiter; cost?: number }
  body?: Schema
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: Claims | null
  }
  interface FastifyContextConfig {
    apiward?: ApiwardRouteConfig
  }
}

declare const apiward: FastifyPluginCallback<ApiwardPluginOptions>
export { apiward }
export default apiward
