// A typed Express + Fastify service using apiward: checked with `tsc --noEmit` (npm run typecheck).
import express from 'express'
import Fastify from 'fastify'
import { ConfigError, JwtVerifier, RateLimiter, Schema, ValidationError, checkAll, sign } from 'apiward'
import { bearerAuth, rateLimit, validateBody } from 'apiward/express'
import apiward from 'apiward/fastify'

interface OrderClaims {
  sub: string
  scope: string
  [name: string]: unknown
}

const secret = Buffer.alloc(32, 7)
const verifier = new JwtVerifier({ keys: secret, algorithms: ['HS256'], issuer: 'https://auth.example.com/', leeway: 30 })
const perIp = RateLimiter.preset('read')
const perUser = new RateLimiter({ rate: 60, per: 60, name: 'user', capacity: 10_000 })
const order = new Schema({ type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'integer', minimum: 1 } }, required: ['sku', 'qty'] }, { maxBytes: 4096 })

const app = express()
app.use(rateLimit(perIp, { trustProxy: 1, exclude: ['/health'] }))
app.post('/orders', bearerAuth(verifier, { scopes: ['orders:write'] }), rateLimit(perIp, { userLimiter: perUser }), validateBody(order), (req, res) => {
  const body = req.body as { sku: string; qty: number }
  res.status(201).json({ sku: body.sku, qty: body.qty, by: req.auth?.sub })
})

const fastify = Fastify()
fastify.register(apiward, { verifier, rateLimit: perIp, logger: (record) => console.log(record.code) })
fastify.post('/orders', { config: { apiward: { auth: { scopes: ['orders:write'] }, rateLimit: { limiter: perUser, key: 'user' }, body: order } } }, async (request) => {
  return { by: request.auth?.sub }
})

export async function selfCheck(): Promise<number> {
  const token: string = sign({ sub: 'u1', scope: 'orders:write', exp: 2_000_000_000 }, secret, 'HS256')
  const claims = await verifier.verify<OrderClaims>(token, { now: 1_800_000_000 })
  const decision = checkAll([[perIp, '203.0.113.7'], [perUser, claims.sub, 1]])
  const retry: number = decision.retryAfter
  try {
    order.validate('{"sku":1}')
  } catch (error) {
    if (error instanceof ValidationError) return error.errors.length
    if (error instanceof ConfigError) return -1
  }
  return retry
}
