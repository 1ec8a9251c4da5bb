// A real Express server and a real Fastify server on 127.0.0.1, driven with fetch: the same status
// codes, headers and JSON bodies as the FastAPI integration (200/401/403/413/422/429).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import express from 'express'
import Fastify from 'fastify'

import { JwtVerifier, RateLimiter, Schema, sign } from '../index.mjs'
import { bearerAuth, rateLimit, validateBody } from '../express.mjs'
import apiward from '../fastify.mjs'
import { SECRET } from './helpers.mjs'

const ISSUER = 'https://auth.example.com/'
const USER = new Schema({
  type: 'object',
  properties: {
    email: { type: 'string', format: 'email' },
    username: { type: 'string', minLength: 3, maxLength: 32 },
    age: { type: 'integer', minimum: 13, maximum: 120 },
  },
  required: ['email', 'username', 'age'],
}, { maxBytes: 256 })

function token(scope = 'orders:read', expIn = 900, sub = 'user-1234') {
  const now = Math.floor(Date.now() / 1000)
  return sign({ sub, iss: ISSUER, iat: now, exp: now + expIn, scope }, SECRET, 'HS256')
}
const bearer = (t) => ({ authorization: `Bearer ${t}` })
const post = (body, headers = {}) => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })

function parts() {
  return {
    verifier: new JwtVerifier({ keys: SECRET, algorithms: ['HS256'], issuer: ISSUER }),
    read: new RateLimiter({ rate: 100, per: 60, name: 'read' }),
    login: new RateLimiter({ rate: 3, per: 60, name: 'login' }),
    perUser: new RateLimiter({ rate: 1, per: 60, name: 'user' }),
    records: [],
  }
}

function expressApp(p) {
  const logger = (r) => p.records.push(r)
  const app = express()
  app.use(rateLimit(p.read, { logger, exclude: ['/health'] }))
  app.get('/health', (req, res) => res.json({ ok: true }))
  app.get('/orders', bearerAuth(p.verifier, { logger, scopes: ['orders:read'] }), (req, res) => res.json({ sub: req.auth.sub }))
  app.get('/admin', bearerAuth(p.verifier, { logger, scopes: ['admin'], sync: true }), (req, res) => res.json({}))
  app.get('/mine', bearerAuth(p.verifier, { logger }), rateLimit(p.perUser, { key: 'user', logger }), (req, res) => res.json({ ok: 1 }))
  app.post('/login', rateLimit(p.login, { logger }), (req, res) => res.json({ ok: true }))
  app.post('/users', validateBody(USER, { logger }), (req, res) => res.status(201).json(req.body))
  return app
}

function fastifyApp(p) {
  const app = Fastify()
  app.register(apiward, { verifier: p.verifier, rateLimit: p.read, exclude: ['/health'], logger: (r) => p.records.push(r) })
  app.register(async (scope) => {
    scope.get('/health', async () => ({ ok: true }))
    scope.get('/orders', { config: { apiward: { auth: { scopes: ['orders:read'] } } } }, async (req) => ({ sub: req.auth.sub }))
    scope.get('/admin', { config: { apiward: { auth: { scopes: ['admin'] } } } }, async () => ({}))
    scope.get('/mine', { config: { apiward: { auth: true, rateLimit: { limiter: p.perUser, key: 'user' } } } }, async () => ({ ok: 1 }))
    scope.post('/login', { config: { apiward: { rateLimit: p.login } } }, async () => ({ ok: true }))
    scope.post('/users', { config: { apiward: { body: USER } } }, async (req, reply) => reply.code(201).send(req.body))
  })
  return app
}

async function listen(kind, p) {
  if (kind === 'express') {
    const server = expressApp(p).listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    return { base: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) }
  }
  const app = fastifyApp(p)
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  return { base, close: () => app.close() }
}

for (const kind of ['express', 'fastify']) {
  test(`${kind}: 200/401/403/413/422/429 with headers, bodies and one log record per rejection`, async () => {
    const p = parts()
    const { base, close } = await listen(kind, p)
    try {
      let r = await fetch(`${base}/orders`, { headers: bearer(token()) })
      assert.equal(r.status, 200)
      assert.deepEqual(await r.json(), { sub: 'user-1234' })
      assert.equal(r.headers.get('ratelimit-policy'), '"read";q=100;w=60')
      assert.match(r.headers.get('ratelimit'), /^"read";r=99;t=1$/)

      r = await fetch(`${base}/health`)
      assert.equal(r.status, 200)
      assert.equal(r.headers.get('ratelimit'), null)
      assert.equal((await fetch(`${base}/health?probe=1`)).headers.get('ratelimit'), null)
      // `exclude` matches whole path segments: /healthz is not /health.
      assert.notEqual((await fetch(`${base}/healthz`)).headers.get('ratelimit'), null)

      r = await fetch(`${base}/orders`)
      assert.equal(r.status, 401)
      assert.equal(r.headers.get('www-authenticate'), 'Bearer')
      assert.deepEqual(await r.json(), { detail: { code: 'missing_token', message: 'a bearer token is required' } })

      for (const [bad, code] of [[token('orders:read', -3600), 'expired'], [token().slice(0, -2) + 'AA', 'bad_signature'], ['not-a-token', 'malformed']]) {
        r = await fetch(`${base}/orders?access_token=${token()}`, { headers: bearer(bad) })
        assert.equal(r.status, 401)
        assert.equal(r.headers.get('www-authenticate'), 'Bearer error="invalid_token"')
        const text = await r.text()
        assert.equal(JSON.parse(text).detail.code, code)
        assert.ok(!text.includes(bad))
      }
      r = await fetch(`${base}/orders?access_token=${token()}`)
      assert.equal(r.status, 401, 'a token in the query string is ignored')

      r = await fetch(`${base}/admin`, { headers: bearer(token('orders:read')) })
      assert.equal(r.status, 403)
      assert.equal((await r.json()).detail.code, 'insufficient_scope')
      assert.equal(r.headers.get('www-authenticate'), 'Bearer error="insufficient_scope", scope="admin"')

      r = await fetch(`${base}/users`, post(JSON.stringify({ email: 'ada@example.com', username: 'ada_lovelace', age: 9999, is_admin: true })))
      assert.equal(r.status, 422)
      const text = await r.text()
      assert.deepEqual(JSON.parse(text), {
        detail: [
          { loc: ['body', 'age'], type: 'maximum', msg: 'the number is too large' },
          { loc: ['body', 'is_admin'], type: 'unknown_field', msg: 'this field is not allowed' },
        ],
      })
      assert.ok(!text.includes('9999'))
      r = await fetch(`${base}/users`, post('{"email": '))
      assert.equal(r.status, 422)
      assert.equal((await r.json()).detail[0].type, 'syntax')
      r = await fetch(`${base}/users`, post('{"__proto__":{"polluted":true},"email":"ada@example.com","username":"ada","age":36}'))
      assert.equal(r.status, 422)
      assert.deepEqual((await r.json()).detail[0].loc, ['body', '__proto__'])
      assert.equal(({}).polluted, undefined)
      r = await fetch(`${base}/users`, post(JSON.stringify({ email: 'ada@example.com', username: 'ada', age: 36 })))
      assert.equal(r.status, 201)
      assert.deepEqual(await r.json(), { email: 'ada@example.com', username: 'ada', age: 36 })
      r = await fetch(`${base}/users`, post(JSON.stringify({ email: 'ada@example.com', username: 'x'.repeat(300), age: 36 })))
      assert.equal(r.status, 413)
      assert.equal((await r.json()).detail[0].type, 'too_large')
      // A JSON body sent as text/plain (what a cross-site form or fetch can send without a preflight)
      // is refused, never validated or handed over unvalidated.
      for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
        r = await fetch(`${base}/users`, { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify({ email: 'ada@example.com', username: 'ada', age: 9999 }) })
        assert.equal(r.status, 415, type)
        if (kind === 'express' || type === 'text/plain') assert.equal((await r.json()).detail[0].type, 'unsupported_media_type')
      }

      const statuses = []
      for (let i = 0; i < 4; i++) statuses.push((await fetch(`${base}/login`, post('{}'))).status)
      assert.deepEqual(statuses, [200, 200, 200, 429])
      r = await fetch(`${base}/login`, post('{}'))
      assert.equal(r.status, 429)
      assert.ok(Number(r.headers.get('retry-after')) >= 1)
      assert.deepEqual(r.headers.get('ratelimit-policy').split(', '), ['"login";q=3;w=60', '"read";q=100;w=60'])
      assert.match(r.headers.get('ratelimit'), /^"login";r=0;/)
      const body = await r.json()
      assert.equal(body.detail.code, 'rate_limited')

      assert.equal((await fetch(`${base}/mine`, { headers: bearer(token('x', 900, 'bob')) })).status, 200)
      assert.equal((await fetch(`${base}/mine`, { headers: bearer(token('x', 900, 'bob')) })).status, 429)
      assert.equal((await fetch(`${base}/mine`, { headers: bearer(token('x', 900, 'eve')) })).status, 200)

      const codes = p.records.map((rec) => `${rec.status}:${rec.code}`)
      assert.deepEqual(codes, [
        '401:missing_token', '401:expired', '401:bad_signature', '401:malformed', '401:missing_token',
        '403:insufficient_scope', '422:maximum', '422:syntax', '422:unknown_field', '413:too_large',
        '415:unsupported_media_type', ...(kind === 'express' ? ['415:unsupported_media_type'] : []),
        '429:rate_limited', '429:rate_limited', '429:rate_limited',
      ])
      const last = p.records.at(-1)
      assert.equal(last.user, 'bob')
      assert.equal(last.client_ip, '127.0.0.1')
      assert.equal(last.method, 'GET')
      assert.equal(last.path, '/mine')
      assert.ok(last.latency_ms >= 0 && /Z$/.test(last.timestamp))
    } finally {
      await close()
    }
  })
}
