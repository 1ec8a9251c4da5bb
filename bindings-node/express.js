'use strict'
// Express 5 middleware: bearer tokens, rate limits and validated bodies, with the same status codes,
// headers and JSON bodies as apiward's FastAPI integration (see http.js). Every verdict comes from the
// core; rejections end the request with a JSON body (no stack traces, no input echoed) and one
// structured log record through the pluggable logger.

const { RateLimiter, Schema, JwtVerifier, checkAll } = require('./index.js')
const h = require('./http.js')

function started(req) {
  h.peerOf(req)
  if (req[h.START] === undefined) req[h.START] = process.hrtime.bigint()
  return req[h.START]
}

function reject(req, res, logger, resolver, status, code, body, headers) {
  h.logRejection(logger, {
    method: req.method,
    path: req.path,
    status,
    code,
    ip: h.clientIp(h.peerOf(req), req.headers, resolver),
    claims: req.auth,
    start: req[h.START],
  })
  if (headers) for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
  res.status(status).json(body)
}

/**
 * Verifies `Authorization: Bearer <token>` and sets `req.auth` to the claims. `scopes`: every one
 * must be granted (`scope`, `scp` or `roles`). `sync: true` verifies on the event loop (HMAC only
 * needs microseconds); otherwise on the libuv pool.
 */
function bearerAuth(verifier, options = {}) {
  if (!(verifier instanceof JwtVerifier)) throw new TypeError('bearerAuth needs a JwtVerifier')
  const scopes = [...(options.scopes ?? [])]
  const logger = h.loggerOf(options.logger)
  const resolver = h.resolverOf(options.trustProxy)
  const clock = options.clock
  const useAsync = !options.sync
  return async function apiwardBearerAuth(req, res, next) {
    started(req)
    const verdict = await h.authenticate(verifier, req.headers.authorization, scopes, clock?.(), useAsync)
    if (verdict.status === undefined) {
      req.auth = verdict.claims
      return next()
    }
    if (verdict.claims) req.auth = verdict.claims
    reject(req, res, logger, resolver, verdict.status, verdict.code, h.errorBody(verdict.code, verdict.message), {
      'WWW-Authenticate': verdict.challenge,
    })
  }
}

function applyHeaders(res, decision) {
  for (const [name, value] of Object.entries(decision.headers)) {
    res.setHeader(name, name === 'Retry-After' ? value : h.mergeHeader(res.getHeader(name), value))
  }
}

/**
 * Admits a request through `limiter`, keyed by `key`: `'ip'` (default; the client address that
 * `trustProxy` — a hop count, CIDR list or ClientIpResolver — lets through), `'user'` (the `sub` of
 * `req.auth`; put bearerAuth first), or a function `(req) => string | Buffer`. With `userLimiter`,
 * the authenticated user is limited too, in one atomic check. Allowed responses get the RateLimit
 * headers; denied ones are 429 with Retry-After.
 */
function rateLimit(limiter, options = {}) {
  if (!(limiter instanceof RateLimiter)) throw new TypeError('rateLimit needs a RateLimiter')
  const key = options.key ?? 'ip'
  if (key !== 'ip' && key !== 'user' && typeof key !== 'function') throw new TypeError("key must be 'ip', 'user' or a function")
  const userLimiter = options.userLimiter
  const logger = h.loggerOf(options.logger)
  const resolver = h.resolverOf(options.trustProxy)
  const cost = options.cost ?? 1
  const clock = options.clock
  const exclude = [...(options.exclude ?? [])]
  return function apiwardRateLimit(req, res, next) {
    started(req)
    if (h.excluded(exclude, req.path)) return next()
    let primary
    if (typeof key === 'function') primary = key(req)
    else if (key === 'user') primary = h.userOf(req.auth)
    else {
      const ip = h.clientIp(h.peerOf(req), req.headers, resolver)
      primary = ip === null ? null : resolver.key(ip)
    }
    // No address (e.g. a Unix socket) still gets a bucket: one shared key, never "unlimited".
    const checks = [[limiter, primary ?? 'unknown', cost]]
    const user = h.userOf(req.auth)
    if (userLimiter && user !== null) checks.push([userLimiter, user, cost])
    const now = clock?.()
    const options = now === undefined ? undefined : { now }
    const decision = checks.length === 1 ? limiter.check(checks[0][1], { ...options, cost }) : checkAll(checks, options)
    applyHeaders(res, decision)
    if (decision.allowed) return next()
    reject(req, res, logger, resolver, 429, 'rate_limited', h.errorBody('rate_limited', h.RATE_LIMITED_MESSAGE))
  }
}

/** Reads the raw body, refusing as soon as it exceeds `limit` bytes: a Buffer, or null if too large. */
function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    let done = false
    req.on('data', (chunk) => {
      if (done) return
      size += chunk.length
      if (size > limit) {
        done = true
        req.pause()
        resolve(null)
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks, size))
    })
    req.on('error', reject)
  })
}

/**
 * Reads the raw body itself (stopping at the schema's byte limit), validates it in the core and sets
 * `req.body` to the value; 422 in FastAPI's shape when rejected, 413 when too large, 415 for a body
 * that is not declared JSON (see `jsonBodyAllowed` in http.js). Do not put
 * `express.json()` before it on the same route.
 */
function validateBody(schema, options = {}) {
  if (!(schema instanceof Schema)) throw new TypeError('validateBody needs a Schema')
  const logger = h.loggerOf(options.logger)
  const resolver = h.resolverOf(options.trustProxy)
  const limit = schema.maxBytes
  return async function apiwardValidateBody(req, res, next) {
    started(req)
    const tooLarge = () => {
      res.setHeader('Connection', 'close')
      reject(req, res, logger, resolver, 413, 'too_large', h.TOO_LARGE)
    }
    const declared = Number(req.headers['content-length'])
    if (Number.isFinite(declared) && declared > limit) return tooLarge()
    if (!h.jsonBodyAllowed(req.headers)) return reject(req, res, logger, resolver, 415, 'unsupported_media_type', h.UNSUPPORTED_TYPE)
    if (req.readableEnded || req._body) return next(new Error('validateBody: the body was already read by another parser'))
    const body = await readBody(req, limit)
    if (body === null) return tooLarge()
    try {
      req.body = schema.validate(body)
    } catch (error) {
      if (!Array.isArray(error?.errors)) return next(error)
      const { status, body: payload } = h.bodyRejection(error)
      return reject(req, res, logger, resolver, status, error.code, payload)
    }
    next()
  }
}

module.exports = { bearerAuth, rateLimit, validateBody, readBody, consoleLogger: h.consoleLogger }
