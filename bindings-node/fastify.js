'use strict'
// A Fastify 5 plugin (fastify-plugin conventions): bearer tokens, rate limits and validated bodies
// through hooks and route config, with the same status codes, headers and JSON bodies as the
// Express middleware and apiward's FastAPI integration (see http.js).
//
//   app.register(apiward, { verifier, rateLimit: limiter, trustProxy, logger })
//   app.post('/orders', { config: { apiward: { auth: { scopes: ['orders:write'] },
//                                              rateLimit: { limiter, key: 'user' }, body: schema } } }, handler)
//
// `request.auth` holds the verified claims; `request.body` the validated value.

const fp = require('fastify-plugin')
const { RateLimiter, Schema, JwtVerifier, checkAll } = require('./index.js')
const h = require('./http.js')

const BODY_ERROR = Symbol('apiward.bodyError')
const VALIDATED = Symbol('apiward.bodyValidated')

function routeConfig(request) {
  return request.routeOptions?.config?.apiward
}

function apiwardPlugin(fastify, options, done) {
  const verifier = options.verifier
  if (verifier !== undefined && !(verifier instanceof JwtVerifier)) return done(new TypeError('verifier must be a JwtVerifier'))
  const globalLimiter = options.rateLimit
  if (globalLimiter !== undefined && !(globalLimiter instanceof RateLimiter)) return done(new TypeError('rateLimit must be a RateLimiter'))
  const logger = h.loggerOf(options.logger)
  const resolver = h.resolverOf(options.trustProxy)
  const clock = options.clock
  const useAsync = !options.sync
  const exclude = [...(options.exclude ?? [])]

  fastify.decorateRequest('auth', null)

  function reject(request, reply, status, code, body, headers) {
    h.logRejection(logger, {
      method: request.method,
      path: request.url.split('?')[0],
      status,
      code,
      ip: h.clientIp(h.peerOf(request), request.headers, resolver),
      claims: request.auth,
      start: request[h.START],
    })
    if (headers) reply.headers(headers)
    return reply.code(status).send(body)
  }

  function applyHeaders(reply, decision) {
    for (const [name, value] of Object.entries(decision.headers)) {
      reply.header(name, name === 'Retry-After' ? value : h.mergeHeader(reply.getHeader(name), value))
    }
  }

  function ipKey(request) {
    const ip = h.clientIp(h.peerOf(request), request.headers, resolver)
    return ip === null ? 'unknown' : resolver.key(ip)
  }

  fastify.addHook('onRoute', (route) => {
    const body = route.config?.apiward?.body
    if (body === undefined) return
    if (!(body instanceof Schema)) throw new TypeError(`route ${route.url}: config.apiward.body must be a Schema`)
    // One byte more than the schema allows reaches the core, which answers too_large (413) itself. (A
    // chunked body beyond this gets Fastify's own 413 before the parser runs: see README "Choices".)
    route.bodyLimit = body.maxBytes + 1
  })

  fastify.addHook('onRequest', async (request, reply) => {
    request[h.START] = process.hrtime.bigint()
    h.peerOf(request)
    const config = routeConfig(request)
    const now = clock?.()
    const at = now === undefined ? undefined : { now }
    if (globalLimiter && config?.rateLimit !== false && !h.excluded(exclude, request.url)) {
      const decision = globalLimiter.check(ipKey(request), at)
      applyHeaders(reply, decision)
      if (!decision.allowed) return reject(request, reply, 429, 'rate_limited', h.errorBody('rate_limited', h.RATE_LIMITED_MESSAGE))
    }
    if (config === undefined) return
    const body = config.body
    const declared = Number(request.headers['content-length'])
    if (body && Number.isFinite(declared) && declared > body.maxBytes) {
      reply.header('Connection', 'close')
      return reject(request, reply, 413, 'too_large', h.TOO_LARGE)
    }
    if (config.auth) {
      if (!verifier) throw new Error('config.apiward.auth needs the plugin option verifier')
      const scopes = config.auth === true ? [] : [...(config.auth.scopes ?? [])]
      const verdict = await h.authenticate(verifier, request.headers.authorization, scopes, now, useAsync)
      if (verdict.claims) request.auth = verdict.claims
      if (verdict.status !== undefined) {
        return reject(request, reply, verdict.status, verdict.code, h.errorBody(verdict.code, verdict.message), {
          'WWW-Authenticate': verdict.challenge,
        })
      }
    }
    if (config.rateLimit) {
      const spec = config.rateLimit instanceof RateLimiter ? { limiter: config.rateLimit } : config.rateLimit
      const key = spec.key ?? 'ip'
      const primary = typeof key === 'function' ? key(request) : key === 'user' ? h.userOf(request.auth) : ipKey(request)
      const checks = [[spec.limiter, primary ?? 'unknown', spec.cost ?? 1]]
      const user = h.userOf(request.auth)
      if (spec.userLimiter && user !== null) checks.push([spec.userLimiter, user, spec.cost ?? 1])
      const decision = checkAll(checks, at)
      applyHeaders(reply, decision)
      if (!decision.allowed) return reject(request, reply, 429, 'rate_limited', h.errorBody('rate_limited', h.RATE_LIMITED_MESSAGE))
    }
  })

  // Bodies of routes with a schema reach the core as raw bytes; other routes keep Fastify's parser.
  const defaultJson = fastify.getDefaultJsonParser('error', 'error')
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, raw, parsed) => {
    const schema = routeConfig(request)?.body
    if (schema === undefined) return defaultJson(request, raw.toString('utf8'), parsed)
    try {
      const value = schema.validate(raw)
      request[VALIDATED] = true
      parsed(null, value)
    } catch (error) {
      if (!Array.isArray(error?.errors)) return parsed(error)
      request[BODY_ERROR] = error
      parsed(null, undefined)
    }
  })

  fastify.addHook('preValidation', async (request, reply) => {
    const schema = routeConfig(request)?.body
    if (schema === undefined) return
    let error = request[BODY_ERROR]
    if (error === undefined && !request[VALIDATED]) {
      // Another parser (Fastify's text/plain, a form plugin, …) filled the body: refuse it rather than
      // let an unvalidated body through. No body at all: the core decides on the empty body.
      if (request.body !== undefined) return reject(request, reply, 415, 'unsupported_media_type', h.UNSUPPORTED_TYPE)
      try {
        schema.validate(Buffer.alloc(0))
      } catch (e) {
        error = e
      }
    }
    if (error !== undefined) {
      const { status, body } = h.bodyRejection(error)
      return reject(request, reply, status, error.code, body)
    }
  })

  done()
}

const plugin = fp(apiwardPlugin, { fastify: '5.x', name: 'apiward' })
module.exports = plugin
module.exports.default = plugin
module.exports.apiward = plugin
