// Every public method of the package: JwtVerifier, Key, sign, RateLimiter, Decision, checkAll,
// ClientIpResolver, Schema, the error classes, and the CommonJS entry point.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { generateKeyPairSync } from 'node:crypto'

import * as apiward from '../index.mjs'
import {
  ApiwardError, ClientIpResolver, ConfigError, Decision, JwtError, JwtVerifier, Key, ProjectionError,
  RateLimiter, Schema, ValidationError, checkAll, sign,
} from '../index.mjs'
import { NOW, SECRET } from './helpers.mjs'

const require = createRequire(import.meta.url)

test('CommonJS and ESM entry points export the same objects', () => {
  const cjs = require('../index.js')
  assert.equal(cjs.JwtVerifier, JwtVerifier)
  assert.equal(cjs.Schema, apiward.default.Schema)
  assert.equal(typeof apiward.version, 'string')
  assert.equal(typeof require('apiward/express').bearerAuth, 'function')
  assert.equal(typeof require('apiward/fastify').default, 'function')
})

test('error classes', () => {
  for (const Cls of [ConfigError, JwtError, ValidationError, ProjectionError]) {
    const e = new Cls('m', 'c', [])
    assert.ok(e instanceof ApiwardError && e instanceof Error)
    assert.equal(e.code, 'c')
    assert.equal(e.name, Cls.name)
  }
})

const claims = { sub: 'u1', iss: 'https://issuer/', aud: 'api', exp: NOW + 600, iat: NOW, scope: 'a b' }

test('verdict errors carry no stack trace; configuration errors keep theirs', async () => {
  const verifier = new JwtVerifier({ keys: SECRET, algorithms: ['HS256'] })
  const limit = Error.stackTraceLimit
  assert.throws(() => verifier.verifySync('a.b.c'), (e) => e instanceof JwtError && e.stack === `JwtError: ${e.message}`)
  await assert.rejects(verifier.verify('a.b.c'), (e) => e instanceof JwtError && e.code === 'malformed')
  const schema = new Schema({ type: 'object', properties: { a: { type: 'integer' } }, additionalProperties: false })
  assert.throws(() => schema.validate('{"b":1}'), (e) => e instanceof ValidationError && !e.stack.includes('\n') && e.errors[0].code === 'unknown_field')
  assert.equal(Error.stackTraceLimit, limit, 'the global limit is restored')
  assert.throws(() => new JwtVerifier({ keys: SECRET, algorithms: ['none'] }), (e) => e instanceof ConfigError && e.stack.includes('\n    at '))
})

test('JwtVerifier.verifySync and verify with a secret', async () => {
  const v = new JwtVerifier({ keys: SECRET, algorithms: ['HS256'], issuer: 'https://issuer/', audience: ['api'] })
  assert.deepEqual(v.algorithms, ['HS256'])
  assert.equal(v.keyCount, 1)
  const token = sign(claims, SECRET, 'HS256')
  assert.deepEqual(v.verifySync(token, { now: NOW }), claims)
  assert.deepEqual(await v.verify(token, { now: NOW }), claims)
  assert.throws(() => v.verifySync(token, { now: NOW + 601 }), (e) => e instanceof JwtError && e.code === 'expired' && !e.message.includes(token))
  await assert.rejects(v.verify(token, { now: NOW + 601 }), (e) => e.code === 'expired')
  assert.throws(() => v.verifySync(123), (e) => e instanceof JwtError && e.code === 'malformed')
  // The system clock by default: this token expired long ago.
  assert.throws(() => new JwtVerifier({ keys: SECRET, algorithms: ['HS256'] }).verifySync(sign({ exp: 1000 }, SECRET, 'HS256')), (e) => e.code === 'expired')
  assert.throws(() => v.verifySync(token, { now: NaN }), (e) => e instanceof ConfigError && e.code === 'invalid_time')
})

test('JwtVerifier options: policy loosened only by name, bad options refused', () => {
  const noExp = sign({ sub: 'x' }, SECRET, 'HS256')
  assert.throws(() => new JwtVerifier({ keys: SECRET, algorithms: ['HS256'] }).verifySync(noExp), (e) => e.code === 'missing_claim')
  assert.deepEqual(new JwtVerifier({ keys: SECRET, algorithms: ['HS256'], allowMissingExp: true }).verifySync(noExp), { sub: 'x' })
  const v = new JwtVerifier({ keys: SECRET, algorithms: ['HS256'], leeway: 30, maxAge: 60, require: ['sub'], typ: 'JWT', maxTokenBytes: 4096 })
  assert.deepEqual(v.verifySync(sign({ sub: 'x', exp: NOW, iat: NOW }, SECRET, 'HS256'), { now: NOW + 10 }), { sub: 'x', exp: NOW, iat: NOW })
  assert.throws(() => v.verifySync(sign({ exp: NOW + 10, iat: NOW }, SECRET, 'HS256'), { now: NOW }), (e) => e.code === 'missing_claim')
  assert.throws(() => v.verifySync(sign({ sub: 'x', exp: NOW + 900, iat: NOW - 100 }, SECRET, 'HS256'), { now: NOW }), (e) => e.code === 'token_too_old')
  const refused = [
    [{ keys: SECRET, algorithms: ['none'] }, 'alg_not_allowed'],
    [{ keys: SECRET, algorithms: [] }, 'alg_not_allowed'],
    [{ keys: SECRET }, 'alg_not_allowed'],
    [{ keys: SECRET, algorithms: ['HS256'], require: ['foo'] }, 'invalid_policy'],
    [{ keys: SECRET, algorithms: ['HS256'], maxTokenBytes: 0 }, 'invalid_policy'],
    [{ keys: SECRET, algorithms: ['HS256'], issuer: Array(9).fill('x') }, 'invalid_policy'],
    [{ keys: SECRET, algorithms: ['HS256'], leewy: 3 }, 'unknown_option'],
    [{ keys: SECRET, algorithms: ['HS256'], leeway: 'soon' }, 'invalid_option'],
    // Never wrapped modulo 2^32 by the native layer: -1 would be 136 years of leeway.
    [{ keys: SECRET, algorithms: ['HS256'], leeway: -1 }, 'invalid_policy'],
    [{ keys: SECRET, algorithms: ['HS256'], maxAge: -1 }, 'invalid_policy'],
    [{ keys: SECRET, algorithms: ['HS256'], leeway: 1.5 }, 'invalid_policy'],
    [{ keys: SECRET, algorithms: ['HS256'], maxTokenBytes: 2 ** 32 + 16 }, 'invalid_policy'],
    [{ keys: SECRET.subarray(0, 16), algorithms: ['HS256'] }, 'weak_key'],
    [{ keys: 'a text secret of at least thirty-two bytes', algorithms: ['HS256'] }, 'invalid_key'],
    [{ keys: [], algorithms: ['HS256'] }, 'invalid_key'],
    [{ keys: { keys: [] }, algorithms: ['HS256'] }, 'invalid_key'],
    [{ keys: 42, algorithms: ['HS256'] }, 'invalid_key'],
  ]
  for (const [options, code] of refused) {
    assert.throws(() => new JwtVerifier(options), (e) => e instanceof ConfigError && e.code === code, JSON.stringify(options))
  }
})

test('keys: JWKS object, JWK JSON text, JSON bytes, Key objects', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1' }
  const token = sign({ sub: 'e', exp: NOW + 60 }, privateKey.export({ format: 'jwk' }), 'EdDSA', { kid: 'k1' })
  for (const keys of [{ keys: [jwk] }, jwk, JSON.stringify({ keys: [jwk] }), Buffer.from(JSON.stringify(jwk)), Key.fromJwk(jwk), [Key.fromJwk(JSON.stringify(jwk))],
    Key.fromPem(publicKey.export({ type: 'spki', format: 'pem' }), { kid: 'k1', alg: 'EdDSA' })]) {
    const v = new JwtVerifier({ keys, algorithms: ['EdDSA'] })
    assert.deepEqual(v.verifySync(token, { now: NOW }), { sub: 'e', exp: NOW + 60 })
  }
  const k = Key.fromPem(Buffer.from(publicKey.export({ type: 'spki', format: 'pem' })), { kid: 'k9', alg: 'EdDSA' })
  assert.equal(k.kid, 'k9')
  assert.equal(k.alg, 'EdDSA')
  assert.ok(!String(k).includes('BEGIN'))
  const h = Key.hmac(SECRET, { kid: 'h1' })
  assert.equal(h.kid, 'h1')
  assert.equal(h.alg, null)
  assert.throws(() => Key.hmac('secret'), (e) => e instanceof ConfigError)
  assert.throws(() => Key.hmac(SECRET.subarray(0, 8)), (e) => e.code === 'weak_key')
  assert.throws(() => Key.fromPem('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'), (e) => e instanceof ConfigError)
  assert.throws(() => Key.fromJwk({ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }), (e) => e.code === 'invalid_key')
  assert.throws(() => Key.hmac(SECRET, { alg: 'HS999' }), (e) => e.code === 'alg_not_allowed')
  assert.throws(() => new Key(), TypeError)
})

test('verify runs on the thread pool: many concurrent verifications resolve', async () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const v = new JwtVerifier({ keys: Key.fromPem(publicKey.export({ type: 'spki', format: 'pem' })), algorithms: ['ES256'] })
  const tokens = Array.from({ length: 64 }, (_, i) => sign({ sub: `u${i}`, exp: NOW + 60 }, privateKey.export({ format: 'jwk' }), 'ES256'))
  const results = await Promise.all(tokens.map((t) => v.verify(t, { now: NOW })))
  assert.deepEqual(results.map((c) => c.sub), tokens.map((_, i) => `u${i}`))
})

test('sign refuses what the core does not sign', () => {
  assert.throws(() => sign({ a: 1 }, SECRET, 'RS256'), (e) => e instanceof ConfigError && e.code === 'key_alg_mismatch')
  assert.throws(() => sign({ a: 1 }, { kty: 'RSA' }, 'RS256'), (e) => e.code === 'invalid_key')
  assert.throws(() => sign([1], SECRET, 'HS256'), (e) => e instanceof ConfigError)
  assert.throws(() => sign({ a: 1 }, SECRET, 'none'), (e) => e.code === 'alg_not_allowed')
})

test('claims with __proto__ never set a prototype', () => {
  const v = new JwtVerifier({ keys: SECRET, algorithms: ['HS256'] })
  const payload = '{"exp":' + (NOW + 60) + ',"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'
  const token = sign({}, SECRET, 'HS256').split('.')[0] + '.' + Buffer.from(payload).toString('base64url')
  const { createHmac } = require('node:crypto')
  const signed = token + '.' + createHmac('sha256', SECRET).update(token).digest('base64url')
  const got = v.verifySync(signed, { now: NOW })
  assert.equal(Object.getPrototypeOf(got), Object.prototype)
  assert.deepEqual(Object.keys(got), ['exp', '__proto__', 'constructor'])
  assert.equal(({}).polluted, undefined)
  assert.equal(got.polluted, undefined)
})

test('RateLimiter.check, peek, counters and headers', () => {
  const l = new RateLimiter({ rate: 2, per: 1, burst: 3, capacity: 100, name: 'api' })
  assert.equal(l.capacity, 128)
  assert.equal(l.tableBytes, 128 * 16)
  assert.deepEqual(l.quota, { rate: 2, perNs: 1_000_000_000n, burst: 3 })
  assert.equal(l.policyHeader, '"api";q=2;w=1')
  const t = { now: 10 }
  assert.equal(l.peek('k', t).remaining, 2)
  assert.equal(l.size, 0)
  const seen = [1, 2, 3, 4].map(() => l.check('k', t))
  assert.deepEqual(seen.map((d) => d.allowed), [true, true, true, false])
  assert.equal(l.size, 1)
  const denied = seen[3]
  assert.equal(denied.retryAfter, 0.5)
  assert.equal(denied.retryAfterNs, 500_000_000n)
  assert.equal(denied.resetAfter, 1.5)
  assert.equal(denied.limit, 3)
  assert.deepEqual(denied.headers, { 'RateLimit-Policy': '"api";q=2;w=1', RateLimit: '"api";r=0;t=2', 'Retry-After': '1' })
  assert.ok(!('Retry-After' in seen[0].headers))
  assert.equal(l.check('k', { now: 10.5 }).allowed, true)
  assert.equal(l.check(Buffer.from('k'), { nowNs: 10_500_000_000n }).allowed, false) // same key as bytes
  assert.equal(l.check('other', { now: 10, cost: 3 }).remaining, 0)
  assert.equal(l.check('big', { now: 10, cost: 4 }).retryAfter, Infinity) // never: cost above the burst
  assert.equal(l.check('zero', { now: 10, cost: 0 }).remaining, 3) // cost 0 peeks
  assert.equal(l.evictions, 0)
  assert.equal(l.fullDenials, 0)
  // Without a clock, the process's monotonic clock.
  const m = new RateLimiter({ rate: 1, per: 3600 })
  assert.equal(m.check('x').allowed, true)
  assert.equal(m.check('x').allowed, false)
  assert.throws(() => l.check('k', { cost: -1 }), (e) => e.code === 'invalid_cost')
  assert.throws(() => l.check('k', { now: -1 }), (e) => e.code === 'invalid_time')
  assert.throws(() => l.check(42), (e) => e instanceof ConfigError)
})

test('RateLimiter capacity shapes and full policies', () => {
  assert.equal(new RateLimiter({ rate: 1, per: 1, capacity: 1 }).capacity, 4)
  assert.equal(new RateLimiter({ rate: 1, per: 1, capacity: 4096 }).capacity, 4096)
  assert.equal(new RateLimiter({ rate: 1, per: 1, capacity: 5000 }).capacity, 8192)
  assert.equal(new RateLimiter({ rate: 1, per: 1 }).capacity, 65536)
  // Out-of-range numbers are refused, never wrapped modulo 2^32 (rate -1 would mean no limit).
  for (const [options, code] of [[{ rate: -1 }, 'invalid_quota'], [{ rate: 1.5 }, 'invalid_quota'], [{ rate: 5, burst: -1 }, 'invalid_quota'], [{ rate: 1, capacity: 2 ** 32 + 16 }, 'invalid_capacity'], [{ rate: 1, capacity: 1.9 }, 'invalid_capacity']]) {
    assert.throws(() => new RateLimiter({ per: 1, ...options }), (e) => e instanceof ConfigError && e.code === code, JSON.stringify(options))
  }
  assert.throws(() => new ClientIpResolver({ v6Prefix: 2 ** 32 }), (e) => e instanceof ConfigError && e.code === 'prefix_too_long')
  assert.throws(() => new ClientIpResolver({ trustedProxies: 2 ** 32 + 1 }), (e) => e instanceof ConfigError && e.code === 'invalid_option')
  const full = new RateLimiter({ rate: 1, per: 60, capacity: 4, seed: Buffer.alloc(16) })
  const decisions = Array.from({ length: 6 }, (_, i) => full.check(`k${i}`, { now: 1 }))
  assert.equal(decisions.filter((d) => d.allowed).length, 4)
  assert.equal(full.fullDenials, 2)
  const admit = new RateLimiter({ rate: 1, per: 60, capacity: 4, fullPolicy: 'admit' })
  for (let i = 0; i < 6; i++) assert.equal(admit.check(`k${i}`, { now: 1 }).allowed, true)
  assert.equal(admit.evictions, 2)
  const refused = [
    [{ rate: 0, per: 1 }, 'zero_rate'],
    [{ rate: 1 }, 'invalid_quota'],
    [{ rate: 1, per: 1, perNs: 5 }, 'invalid_quota'],
    [{ rate: 1, per: Infinity }, 'invalid_quota'],
    [{ rate: 1, per: 1, capacity: 0 }, 'invalid_capacity'],
    [{ rate: 1, per: 1, fullPolicy: 'maybe' }, 'invalid_policy'],
    [{ rate: 1, per: 1, seed: Buffer.alloc(3) }, 'invalid_seed'],
    [{ rate: 1, per: 1, name: 'a b' }, 'invalid_policy_name'],
    [{ rate: 1, per: 1, burts: 3 }, 'unknown_option'],
  ]
  for (const [options, code] of refused) {
    assert.throws(() => new RateLimiter(options), (e) => e instanceof ConfigError && e.code === code, JSON.stringify(options))
  }
})

test('RateLimiter.preset', () => {
  const login = RateLimiter.preset('login', { capacity: 16 })
  assert.equal(login.policyHeader, '"login";q=5;w=60')
  assert.equal(login.capacity, 16)
  for (const name of ['password_reset', 'read', 'write', 'search']) assert.ok(RateLimiter.preset(name).policyHeader.startsWith(`"${name}"`))
  assert.throws(() => RateLimiter.preset('turbo'), (e) => e.code === 'invalid_quota')
})

test('checkAll is atomic: a denial consumes nothing anywhere', () => {
  const ip = new RateLimiter({ rate: 10, per: 60, name: 'ip' })
  const user = new RateLimiter({ rate: 1, per: 60, name: 'user' })
  const first = checkAll([[ip, '1.2.3.4'], [user, 'ada']], { now: 5 })
  assert.equal(first.allowed, true)
  assert.equal(first.name, 'user') // fewest remaining
  const second = checkAll([[ip, '1.2.3.4', 1], [user, 'ada']], { now: 5 })
  assert.equal(second.allowed, false)
  assert.equal(second.headers['RateLimit-Policy'], '"user";q=1;w=60')
  assert.equal(ip.peek('1.2.3.4', { now: 5, cost: 0 }).remaining, 9) // the denied call took nothing from ip
  assert.throws(() => checkAll([[ip, 'a'], [ip, 'b']]), (e) => e instanceof ConfigError && e.code === 'invalid_checks')
  assert.throws(() => checkAll([]), (e) => e.code === 'invalid_checks')
  assert.throws(() => checkAll([[{}, 'a']]), (e) => e.code === 'invalid_checks')
})

test('Decision built by hand', () => {
  const d = new Decision({ allowed: false, remaining: 0, retryAfterNs: 1n, resetAfterNs: 2_000_000_000n, limit: 5, name: 'n' })
  assert.equal(d.retryAfterHeader, '1')
  assert.deepEqual(d.headers, { RateLimit: '"n";r=0;t=2', 'Retry-After': '1' })
  assert.throws(() => new Decision({ allowed: true, remaining: 1, limit: 1, name: 'bad name' }), (e) => e.code === 'invalid_policy_name')
})

test('ClientIpResolver: trusted proxies only, keys group IPv6', () => {
  assert.equal(new ClientIpResolver().resolve('10.0.0.2', ['203.0.113.7']), '10.0.0.2')
  assert.equal(new ClientIpResolver({ trustedProxies: 1 }).resolve('10.0.0.2', ['203.0.113.7, 198.51.100.9']), '198.51.100.9')
  const cidr = new ClientIpResolver({ trustedProxies: ['10.0.0.0/8'] })
  assert.equal(cidr.resolve('10.0.0.2', '203.0.113.7'), '203.0.113.7')
  assert.equal(cidr.resolve('192.0.2.1', '203.0.113.7'), '192.0.2.1')
  const fwd = new ClientIpResolver({ trustedProxies: 1, header: 'forwarded' })
  assert.equal(fwd.resolve('10.0.0.2', ['203.0.113.7'], ['for=198.51.100.4']), '198.51.100.4')
  assert.equal(new ClientIpResolver().resolve('/tmp/socket'), null)
  const r = new ClientIpResolver({ v6Prefix: 64 })
  assert.deepEqual(r.key('2001:db8::1'), r.key('2001:db8::ffff'))
  assert.notDeepEqual(r.key('2001:db8::1'), r.key('2001:db8:0:1::1'))
  assert.ok(Buffer.isBuffer(r.key('192.0.2.1')))
  assert.equal(r.key('nope'), null)
  assert.throws(() => new ClientIpResolver({ header: 'x-real-ip' }), (e) => e.code === 'invalid_header')
  assert.throws(() => new ClientIpResolver({ v6Prefix: 129 }), (e) => e.code === 'prefix_too_long')
  assert.throws(() => new ClientIpResolver({ trustedProxies: ['10.0.0.0/99'] }), (e) => e instanceof ConfigError)
})

const USER = {
  type: 'object',
  properties: {
    email: { type: 'string', format: 'email' },
    username: { type: 'string', minLength: 3, maxLength: 32, pattern: '^[a-zA-Z0-9_]+$' },
    age: { type: 'integer', minimum: 13, maximum: 120 },
  },
  required: ['email', 'username', 'age'],
}
const OK = '{"email":"ada@example.com","username":"ada_lovelace","age":36}'

test('Schema.validate and isValid: Buffer, Uint8Array, string', () => {
  const s = new Schema(USER)
  const expected = { email: 'ada@example.com', username: 'ada_lovelace', age: 36 }
  for (const body of [Buffer.from(OK), new Uint8Array(Buffer.from(OK)), OK]) {
    assert.deepEqual(s.validate(body), expected)
    assert.ok(s.isValid(body))
  }
  assert.deepEqual(new Schema(JSON.stringify(USER)).validate(OK), expected)
  assert.equal(s.isValid(42), false)
  assert.throws(() => s.validate(42), (e) => e instanceof ConfigError)
})

test('ValidationError names every field and never the value', () => {
  assert.throws(() => new Schema(USER).validate('{"email":"nope","username":"x!","age":9999,"is_admin":true}'), (e) => {
    assert.ok(e instanceof ValidationError)
    assert.deepEqual(e.errors.map((x) => [x.path, x.code]), [
      ['/email', 'format'], ['/username', 'too_short'], ['/username', 'pattern'], ['/age', 'maximum'], ['/is_admin', 'unknown_field'],
    ])
    assert.equal(e.code, 'format')
    const text = JSON.stringify(e.errors) + e.message
    assert.ok(!text.includes('9999') && !text.includes('nope'))
    return true
  })
})

test('__proto__, constructor and prototype never slip through', () => {
  const s = new Schema(USER)
  for (const name of ['__proto__', 'constructor', 'prototype']) {
    const body = `{"email":"ada@example.com","username":"ada","age":36,"${name}":{"polluted":true}}`
    assert.throws(() => s.validate(body), (e) => e.errors.length === 1 && e.errors[0].path === `/${name}` && e.errors[0].code === 'unknown_field')
  }
  // Declared: the value is an own data property; no prototype is ever set.
  const declared = new Schema('{"type":"object","properties":{"__proto__":{"type":"object","additionalProperties":true}}}')
  const value = declared.validate('{"__proto__":{"polluted":true}}')
  assert.equal(Object.getPrototypeOf(value), Object.prototype)
  assert.deepEqual(Object.keys(value), ['__proto__'])
  assert.equal(value.polluted, undefined)
  assert.equal(({}).polluted, undefined)
  assert.equal(Object.prototype.polluted, undefined)
})

test('Schema limits', () => {
  const s = new Schema({ type: 'array', items: { type: 'array' } }, { maxBytes: 64, maxDepth: 2, maxArrayItems: 3 })
  assert.equal(s.maxBytes, 64)
  assert.equal(s.maxDepth, 2)
  for (const [body, code] of [['[[[]]]', 'too_deep'], ['[' + '[],'.repeat(30) + '[]]', 'too_large'], ['[[],[],[],[]]', 'array_too_large']]) {
    assert.throws(() => s.validate(body), (e) => e.code === code)
  }
  assert.throws(() => new Schema({ type: 'string' }, { maxStringBytes: 4 }).validate('"abcde"'), ValidationError)
  assert.throws(() => new Schema({ type: 'number' }, { maxNumberLen: 3 }).validate('12345'), ValidationError)
  assert.throws(() => new Schema({ type: 'object', additionalProperties: true }, { maxObjectMembers: 1 }).validate('{"a":1,"b":2}'), (e) => e.code === 'object_too_large')
  assert.throws(() => new Schema(USER, { maxDepth: 0 }), (e) => e instanceof ConfigError && e.code === 'invalid_limits')
  for (const limits of [{ maxBytes: 1e12 }, { maxDepth: 2 ** 32 + 2 }, { maxStringBytes: -1 }, { maxArrayItems: 2.5 }]) {
    assert.throws(() => new Schema(USER, limits), (e) => e instanceof ConfigError && e.code === 'invalid_limits', JSON.stringify(limits))
  }
  assert.throws(() => new Schema(USER, { maxDept: 3 }), (e) => e.code === 'unknown_option')
})

test('Schema refuses unsupported keywords at construction', () => {
  assert.throws(() => new Schema({ type: 'object', properties: { a: { type: 'string', foo: 1 } } }), (e) => {
    return e instanceof ConfigError && e.code === 'unsupported_keyword' && e.message.includes('/properties/a/foo')
  })
  assert.throws(() => new Schema('{not json'), ConfigError)
  assert.throws(() => new Schema(42), ConfigError)
})

test('Schema.project drops undeclared members', () => {
  const view = new Schema({ type: 'object', properties: { id: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } } })
  const doc = { id: 7, password_hash: 'x', tags: ['a'], internal: { a: 1 } }
  assert.deepEqual(view.project(doc), { id: 7, tags: ['a'] })
  assert.deepEqual(view.project(Buffer.from(JSON.stringify(doc))), Buffer.from('{"id":7,"tags":["a"]}'))
  assert.throws(() => view.project({ id: 'seven' }), (e) => e instanceof ProjectionError && e.code === 'type')
})

test('the TypeScript example type-checks (tsc --noEmit)', () => {
  const { execFileSync } = require('node:child_process')
  const { join } = require('node:path')
  const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..')
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', join(root, 'examples', 'tsconfig.json')], { stdio: 'pipe' })
})
