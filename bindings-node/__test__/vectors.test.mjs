// The shared vectors in tests/vectors/: the same verdicts and codes as the Rust and Python suites.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

import { ConfigError, Decision, JwtError, JwtVerifier, RateLimiter, Schema, ValidationError } from '../index.mjs'
import { VECTORS, loadVectors } from './helpers.mjs'

const jwtFiles = readdirSync(join(VECTORS, 'jwt')).filter((f) => f.endsWith('.json') && f !== 'keys.json').sort()
let jwtCount = 0

for (const file of jwtFiles) {
  for (const c of loadVectors(`jwt/${file}`).cases) {
    jwtCount++
    test(`jwt ${file}:${c.name}`, async () => {
      const policy = c.policy
      const expect = c.expect
      let verifier
      try {
        verifier = new JwtVerifier({
          keys: JSON.stringify(c.keys),
          algorithms: policy.algorithms,
          issuer: policy.issuer,
          audience: policy.audience,
          leeway: policy.leeway ?? 0,
          maxTokenBytes: policy.max_token_bytes ?? 8192,
          require: policy.require ?? [],
          typ: policy.typ,
          maxAge: policy.max_age,
          allowMissingExp: policy.allow_missing_exp ?? false,
        })
      } catch (error) {
        assert.ok(error instanceof ConfigError, String(error))
        assert.equal(expect.valid, false, `key set refused (${error.code}) for a valid case`)
        assert.equal(error.code, expect.code)
        return
      }
      if (expect.valid) {
        assert.deepEqual(verifier.verifySync(c.token, { now: c.now }), expect.claims)
        assert.deepEqual(await verifier.verify(c.token, { now: c.now }), expect.claims)
      } else {
        for (const run of [() => verifier.verifySync(c.token, { now: c.now }), () => verifier.verify(c.token, { now: c.now })]) {
          await assert.rejects(async () => run(), (error) => {
            assert.ok(error instanceof JwtError)
            assert.equal(error.code, expect.code)
            assert.ok(!c.token || !error.message.includes(c.token))
            return true
          })
        }
      }
    })
  }
}

test('jwt vectors were all found', () => {
  assert.ok(jwtFiles.length >= 11 && jwtCount > 400, `${jwtFiles.length} files, ${jwtCount} cases`)
})

const LIMIT = loadVectors('limit/scenarios.json')
const SEED = Buffer.from(LIMIT.seed_hex, 'hex')
const exact = (v) => (typeof v === 'string' ? BigInt(v) : v)

function quotaOptions(quota) {
  const options = { rate: quota.count, perNs: quota.period_ns }
  if ('burst' in quota) options.burst = quota.burst
  return options
}

for (const s of LIMIT.scenarios) {
  test(`limit scenario ${s.name}`, () => {
    const limiter = new RateLimiter({ ...quotaOptions(s.quota), capacity: s.capacity, fullPolicy: s.full_policy, seed: SEED })
    assert.equal(limiter.capacity, s.capacity)
    for (const step of s.steps) {
      const d = limiter.check(step.key, { nowNs: step.now_ns, cost: step.cost })
      const got = { allowed: d.allowed, remaining: d.remaining, retry_after_ns: d.retryAfterNs, reset_after_ns: d.resetAfterNs }
      const want = {
        allowed: step.expect.allowed,
        remaining: step.expect.remaining,
        retry_after_ns: BigInt(exact(step.expect.retry_after_ns)),
        reset_after_ns: BigInt(exact(step.expect.reset_after_ns)),
      }
      assert.deepEqual(got, want, JSON.stringify(step))
      assert.equal(d.limit, s.quota.burst ?? s.quota.count)
    }
    assert.equal(limiter.evictions, s.expect_end.evictions)
    assert.equal(limiter.fullDenials, s.expect_end.full_denials)
  })
}

for (const c of LIMIT.quota_errors) {
  test(`limit quota ${c.name}`, () => {
    const make = () => new RateLimiter({ ...quotaOptions(c), capacity: 4 })
    if (c.error === null) {
      make()
    } else {
      assert.throws(make, (e) => e instanceof ConfigError && e.code === c.error)
    }
  })
}

function headerValue(c) {
  const name = c.policy_name ?? 'default'
  if ('quota' in c) return new RateLimiter({ ...quotaOptions(c.quota), name, capacity: 4 }).policyHeader
  const d = c.decision
  const decision = new Decision({
    allowed: BigInt(d.retry_after_ns) === 0n,
    remaining: d.remaining,
    retryAfterNs: d.retry_after_ns,
    resetAfterNs: d.reset_after_ns,
    limit: 10,
    name,
  })
  if (c.header === 'Retry-After') return decision.retryAfterHeader
  return decision.headers[c.header]
}

for (const c of LIMIT.headers) {
  test(`limit header ${c.name}`, () => {
    if ('error' in c) {
      assert.throws(() => headerValue(c), (e) => e instanceof ConfigError && e.code === c.error)
    } else {
      assert.equal(headerValue(c), c.expect)
    }
  })
}

const VALIDATE_TEXT = readFileSync(join(VECTORS, 'validate', 'cases.json'), 'utf8')
const VALIDATE = JSON.parse(VALIDATE_TEXT)

/** The exact text of the JSON value starting at `start` (string-aware bracket matching). */
function valueText(text, start) {
  let depth = 0
  let inString = false
  for (let i = start; i < text.length; i++) {
    const ch = text[i]
    if (inString) {
      if (ch === '\\') i++
      else if (ch === '"') inString = false
    } else if (ch === '"') inString = true
    else if (ch === '{' || ch === '[') depth++
    else if (ch === '}' || ch === ']') {
      depth--
      if (depth === 0) return text.slice(start, i + 1)
    }
  }
  throw new Error('unterminated value')
}

/**
 * A group's schema as its exact text in the file: JSON.parse would round bounds beyond 2^53
 * (`"maximum": 9007199254740993`), so the schema goes to apiward as text — as a JS service must do too.
 */
function schemaText(group) {
  const at = VALIDATE_TEXT.indexOf(`"name": ${JSON.stringify(group.name)}`)
  const schemaAt = VALIDATE_TEXT.indexOf('"schema":', at)
  const text = valueText(VALIDATE_TEXT, VALIDATE_TEXT.indexOf('{', schemaAt))
  assert.deepEqual(JSON.parse(text), group.schema)
  return text
}

function bodyOf(c) {
  if ('body' in c) return c.body
  const r = c.body_repeat
  return r.prefix + r.unit.repeat(r.count) + r.suffix
}

function limitsOf(group) {
  const map = {
    max_body_bytes: 'maxBytes', max_depth: 'maxDepth', max_string_bytes: 'maxStringBytes',
    max_number_len: 'maxNumberLen', max_array_items: 'maxArrayItems', max_object_members: 'maxObjectMembers',
  }
  const out = {}
  for (const [k, v] of Object.entries(group.limits ?? {})) out[map[k]] = v
  return out
}

for (const group of VALIDATE.groups) {
  for (const c of group.cases) {
    test(`validate ${group.name}:${c.name}`, () => {
      const schema = new Schema(schemaText(group), limitsOf(group))
      const text = bodyOf(c)
      for (const body of [Buffer.from(text, 'utf8'), text]) {
        if (c.valid) {
          assert.ok(schema.isValid(body))
          assert.deepEqual(schema.validate(body), JSON.parse(text))
          continue
        }
        assert.equal(schema.isValid(body), false)
        assert.throws(() => schema.validate(body), (error) => {
          assert.ok(error instanceof ValidationError)
          const got = error.errors.map((e) => ({ path: e.path, code: e.code }))
          // The suite lists at most 16; apiward reports up to 32.
          assert.deepEqual(got.slice(0, c.errors.length), c.errors)
          assert.ok(got.length === c.errors.length || c.errors.length === 16)
          assert.equal(error.code, c.errors[0].code)
          return true
        })
      }
    })
  }
}

for (const c of VALIDATE.compile_errors ?? []) {
  test(`validate compile error ${c.name}`, () => {
    const document = 'schema_text' in c ? c.schema_text : JSON.stringify(c.schema)
    assert.throws(() => new Schema(document), (error) => {
      assert.ok(error instanceof ConfigError)
      assert.equal(error.code, c.code)
      assert.ok(error.message.includes(JSON.stringify(c.path)), error.message)
      return true
    })
  })
}
