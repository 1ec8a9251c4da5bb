// An orders API protected by apiward on Express 5: bearer tokens with scopes, rate limits, validated
// bodies — the same service and HTTP shapes as examples/fastapi_app. `createApp()` builds a fresh app
// (fresh limiters); demo.mjs runs it on 127.0.0.1 and drives it with a scripted client.
import express from 'express'
import { JwtVerifier, RateLimiter, Schema } from 'apiward'
import { bearerAuth, rateLimit, validateBody } from 'apiward/express'

export const DEMO_SECRET = Buffer.from(process.env.APIWARD_DEMO_SECRET ?? '00'.repeat(32), 'hex')
export const ISSUER = 'https://auth.example.com/'
export const AUDIENCE = 'api://orders'

const CREATE_USER = new Schema({
  type: 'object',
  properties: {
    email: { type: 'string', format: 'email' },
    username: { type: 'string', minLength: 3, maxLength: 32, pattern: '^[a-zA-Z0-9_]+$' },
    age: { type: 'integer', minimum: 13, maximum: 120 },
  },
  required: ['email', 'username', 'age'],
})
const ORDER = new Schema({
  type: 'object',
  properties: {
    sku: { type: 'string', pattern: '^[A-Z0-9-]{4,16}$' },
    qty: { type: 'integer', minimum: 1, maximum: 100 },
    note: { type: 'string', maxLength: 500 },
  },
  required: ['sku', 'qty'],
}, { maxBytes: 16 * 1024 })
const LOGIN = new Schema({
  type: 'object',
  properties: { username: { type: 'string', maxLength: 64 }, password: { type: 'string', maxLength: 256 } },
  required: ['username', 'password'],
}, { maxBytes: 1024 })
const ORDER_VIEW = new Schema({
  type: 'object',
  properties: { id: { type: 'integer' }, sku: { type: 'string' }, qty: { type: 'integer' } },
  additionalProperties: false,
})

export function createApp({ logger } = {}) {
  const verifier = new JwtVerifier({ keys: DEMO_SECRET, algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, leeway: 30 })
  const auth = (...scopes) => bearerAuth(verifier, { scopes, logger })
  const orders = new Map([[1, { id: 1, sku: 'BOOK-0001', qty: 2, cost_cents: 1250, supplier: 'acme' }]])
  const app = express()
  app.disable('x-powered-by')
  app.use(rateLimit(RateLimiter.preset('read'), { exclude: ['/health'], logger }))

  app.get('/health', (req, res) => res.json({ status: 'ok' }))
  app.post('/login', rateLimit(RateLimiter.preset('login'), { logger }), validateBody(LOGIN, { logger }), (req, res) => {
    res.json({ status: 'invalid credentials' })
  })
  app.post('/users', validateBody(CREATE_USER, { logger }), (req, res) => {
    res.status(201).json({ username: req.body.username, email: req.body.email })
  })
  app.get('/orders/:id', auth('orders:read'), (req, res) => {
    res.json(ORDER_VIEW.project(orders.get(Number(req.params.id)) ?? {}))
  })
  const writeLimit = rateLimit(new RateLimiter({ rate: Number(process.env.APIWARD_DEMO_WRITES_PER_MINUTE ?? 60), per: 60, name: 'write' }), {
    userLimiter: new RateLimiter({ rate: 60, per: 60, name: 'write-user' }),
    logger,
  })
  app.post('/orders', auth('orders:write'), writeLimit, validateBody(ORDER, { logger }), (req, res) => {
    const id = Math.max(...orders.keys()) + 1
    orders.set(id, { id, ...req.body, created_by: req.auth.sub })
    res.status(201).json(ORDER_VIEW.project(orders.get(id)))
  })
  return app
}
