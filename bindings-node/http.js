'use strict'
// What Express and Fastify share: the HTTP shapes of a rejection (the same status codes, headers and
// JSON bodies as apiward's FastAPI integration), the client address, scopes, and the one structured
// log record per rejection. Decides no verdict: those all come from the core through index.js.

const { ClientIpResolver } = require('./index.js')

const DEFAULT_RESOLVER = new ClientIpResolver()
const START = Symbol.for('apiward.start')
const MISSING = { status: 401, code: 'missing_token', message: 'a bearer token is required', challenge: 'Bearer' }
const RATE_LIMITED_MESSAGE = 'too many requests; retry after the time in Retry-After'

/** The default logger: one JSON line per rejection on stderr (console.warn). */
const consoleLogger = { warn: (record) => console.warn(JSON.stringify(record)) }

function loggerOf(logger) {
  if (logger === undefined || logger === null) return consoleLogger
  if (typeof logger === 'function') return { warn: logger }
  if (typeof logger.warn === 'function') return logger
  throw new TypeError('logger must be a function or have a warn(record) method')
}

function resolverOf(trustProxy) {
  if (trustProxy instanceof ClientIpResolver) return trustProxy
  if (trustProxy === undefined || trustProxy === null || trustProxy === false) return DEFAULT_RESOLVER
  return new ClientIpResolver({ trustedProxies: trustProxy })
}

/** The client address: the peer, or a forwarded address only through trusted proxies. */
function clientIp(peer, headers, resolver) {
  if (!peer) return null
  return resolver.resolve(peer, headers['x-forwarded-for'], headers.forwarded)
}

function userOf(claims) {
  return claims && typeof claims.sub === 'string' ? claims.sub : null
}

/** The one record of a rejection: never the token, the body or a stack. */
function logRejection(logger, { method, path, status, code, ip, claims, start }) {
  logger.warn({
    timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    method,
    path,
    status,
    code,
    client_ip: ip,
    user: userOf(claims),
    latency_ms: typeof start === 'bigint' ? Number(process.hrtime.bigint() - start) / 1e6 : null,
  })
}

function errorBody(code, message) {
  return { detail: { code, message } }
}

/** The bearer token of an Authorization header, or null (never a query string or cookie). */
function bearerToken(header) {
  if (typeof header !== 'string') return null
  const space = header.indexOf(' ')
  if (space < 0 || header.slice(0, space).toLowerCase() !== 'bearer') return null
  const token = header.slice(space + 1).trim()
  return token === '' ? null : token
}

/** Scopes from the space-separated `scope` claim (RFC 8693) or a `scp`/`roles` list. */
function grantedScopes(claims) {
  const granted = new Set()
  if (typeof claims.scope === 'string') for (const s of claims.scope.split(/\s+/)) if (s) granted.add(s)
  for (const name of ['scp', 'roles']) {
    const value = claims[name]
    if (Array.isArray(value)) for (const v of value) if (typeof v === 'string') granted.add(v)
    if (typeof value === 'string') for (const s of value.split(/\s+/)) if (s) granted.add(s)
  }
  return granted
}

/**
 * The verdict on a request's bearer token: `{claims}` or `{status, code, message, challenge}`.
 * `verify` is the verifier's method to call (async on the thread pool by default).
 */
async function authenticate(verifier, header, scopes, now, useAsync) {
  const token = bearerToken(header)
  if (token === null) return MISSING
  let claims
  try {
    claims = useAsync ? await verifier.verify(token, { now }) : verifier.verifySync(token, { now })
  } catch (error) {
    if (typeof error?.code !== 'string') throw error
    return { status: 401, code: error.code, message: error.message, challenge: 'Bearer error="invalid_token"' }
  }
  if (scopes.length > 0) {
    const granted = grantedScopes(claims)
    if (!scopes.every((s) => granted.has(s))) {
      return {
        status: 403,
        code: 'insufficient_scope',
        message: 'the token lacks a required scope',
        challenge: `Bearer error="insufficient_scope", scope="${scopes.join(' ')}"`,
        claims,
      }
    }
  }
  return { claims }
}

/** A JSON Pointer as FastAPI's `loc`: `/items/3/qty` → `["body", "items", 3, "qty"]`. */
function loc(path) {
  const out = ['body']
  if (path) {
    for (let part of path.split('/').slice(1)) {
      part = part.replace(/~1/g, '/').replace(/~0/g, '~')
      out.push(/^(0|[1-9][0-9]*)$/.test(part) ? Number(part) : part)
    }
  }
  return out
}

const TOO_LARGE = { detail: [{ loc: ['body'], type: 'too_large', msg: 'the body is too large' }] }
const UNSUPPORTED_TYPE = {
  detail: [{ loc: ['body'], type: 'unsupported_media_type', msg: 'the body must be JSON (Content-Type: application/json)' }],
}

const PEER = Symbol('apiward.peer')

/**
 * The peer address of the connection, read once when apiward first sees the request: Node forgets
 * `socket.remoteAddress` once the client resets the connection, and a check made after an async step
 * must not then fall back to a shared key.
 */
function peerOf(req) {
  if (!(PEER in req)) req[PEER] = req.socket?.remoteAddress
  return req[PEER]
}

/**
 * Whether `path` (without its query string) is one of the excluded paths or below one: `/health`
 * excludes `/health` and `/health/live`, not `/healthz/admin`.
 */
function excluded(exclude, url) {
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)
  return exclude.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`))
}

/**
 * Whether a request's body may be read as JSON: no body at all, no Content-Type (as FastAPI), or
 * `application/json` / `application/*+json`. A browser can send `text/plain` or a form cross-origin
 * without a CORS preflight, so reading such a body as JSON would open JSON endpoints to CSRF.
 */
function jsonBodyAllowed(headers) {
  const type = headers['content-type']
  if (type === undefined || type === '') return true
  const length = Number(headers['content-length'])
  if (headers['transfer-encoding'] === undefined && (!Number.isFinite(length) || length === 0)) return true
  const media = String(type).split(';', 1)[0].trim().toLowerCase()
  return media === 'application/json' || (media.startsWith('application/') && media.endsWith('+json'))
}

/** The response to a rejected body: 413 for too_large, else 422 in FastAPI's shape. */
function bodyRejection(error) {
  const status = error.code === 'too_large' ? 413 : 422
  return { status, body: { detail: error.errors.map((e) => ({ loc: loc(e.path), type: e.code, msg: e.message })) } }
}

/** Merges header values by name, as the draft's list form (the later, more specific limiter first). */
function mergeHeader(existing, value) {
  if (existing === undefined || existing === null || existing === '') return value
  return `${value}, ${existing}`
}

module.exports = {
  DEFAULT_RESOLVER, MISSING, RATE_LIMITED_MESSAGE, START, TOO_LARGE, UNSUPPORTED_TYPE,
  authenticate, excluded, jsonBodyAllowed, peerOf, bearerToken, bodyRejection, clientIp, consoleLogger, errorBody, grantedScopes, loc,
  logRejection, loggerOf, mergeHeader, resolverOf, userOf,
}
