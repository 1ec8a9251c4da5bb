// W1–W9 of shared/WORKLOADS.md in one process: apiward vs jose, fast-jwt (cache off and on),
// jsonwebtoken, express-rate-limit's MemoryStore, rate-limiter-flexible (memory), ajv and zod.
//
// Method (as benches/python/bench.py): each contender gets a batch size worth ~TARGET ms; ROUNDS
// rounds interleave one batch of every contender, so the machine's drifting speed hits all alike;
// the figure is the median ns/op, and a ratio is the median over rounds of peer / apiward. Async APIs
// (jose, the rate-limit stores) are awaited per call, as a request handler would.
import { readFileSync } from 'node:fs'
import { generateKeyPairSync } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import * as jose from 'jose'
import jsonwebtoken from 'jsonwebtoken'
import { createVerifier } from 'fast-jwt'
import { MemoryStore } from 'express-rate-limit'
import { RateLimiterMemory } from 'rate-limiter-flexible'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import { z } from 'zod'
import { JwtVerifier, Key, RateLimiter, Schema } from 'apiward'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const WORKLOADS = join(ROOT, '..', 'shared', 'workloads')
const ROUNDS = Number(process.env.ROUNDS ?? 7)
const TARGET_MS = Number(process.env.TARGET_MS ?? 100)
const only = process.argv[2]

async function timeBatch(fn, n, isAsync) {
  const start = process.hrtime.bigint()
  if (isAsync) for (let i = 0; i < n; i++) await fn()
  else for (let i = 0; i < n; i++) fn()
  return Number(process.hrtime.bigint() - start)
}

async function compare(contenders) {
  const entries = Object.entries(contenders).map(([name, fn]) => [name, fn, fn() instanceof Promise])
  const sizes = {}
  for (const [name, fn, isAsync] of entries) {
    let n = 1
    for (;;) {
      const ns = await timeBatch(fn, n, isAsync)
      if (ns >= TARGET_MS * 1e6 / 4 || n >= 1e7) {
        sizes[name] = Math.max(1, Math.round(n * (TARGET_MS * 1e6) / Math.max(ns, 1)))
        break
      }
      n *= 4
    }
  }
  const samples = Object.fromEntries(entries.map(([name]) => [name, []]))
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, fn, isAsync] of entries) samples[name].push((await timeBatch(fn, sizes[name], isAsync)) / sizes[name])
  }
  return samples
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1]

const fmt = (ns) => (ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`)

async function report(workload, what, contenders) {
  if (only && only !== workload) return
  const samples = await compare(contenders)
  const [[, ours], ...peers] = Object.entries(samples)
  // The ratio is the median of per-round ratios (each round times every contender back to back),
  // which cancels the machine's drift better than a ratio of two medians.
  const cells = peers.map(([name, v]) => `${name} ${fmt(median(v))} (${median(v.map((ns, r) => ns / ours[r])).toFixed(2)}×)`).join('  ')
  console.log(`${workload.padEnd(4)} ${what.padEnd(30)} apiward ${fmt(median(ours)).padStart(9)}   ${cells}`)
}

// ------------------------------------------------------------------------------ W1–W5: JWT
const now = Math.floor(Date.now() / 1000)
const claims = { ...JSON.parse(readFileSync(join(WORKLOADS, 'jwt_claims_NOW.json'), 'utf8')), iat: now, nbf: now, exp: now + 900 }
const keys = {
  HS256: { privateKey: Buffer.from(Array.from({ length: 32 }, (_, i) => i)) },
  ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  EdDSA: generateKeyPairSync('ed25519'),
}
for (const [workload, alg] of [['W1', 'HS256'], ['W2', 'ES256'], ['W3', 'RS256'], ['W4', 'EdDSA'], ['W5', 'HS256']]) {
  if (only && only !== workload) continue
  const { privateKey, publicKey } = keys[alg]
  const header = alg === 'HS256' ? { alg, typ: 'JWT' } : { alg, typ: 'JWT', kid: 'k1' }
  let token = await new jose.SignJWT(claims).setProtectedHeader(header).sign(privateKey)
  if (workload === 'W5') {
    const last = token.at(-1)
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    token = token.slice(0, -1) + [...alphabet].find((c) => c !== last && ((c.charCodeAt(0) ^ last.charCodeAt(0)) & 0x20))
  }
  const pub = alg === 'HS256' ? privateKey : publicKey
  const ours = new JwtVerifier({
    keys: alg === 'HS256' ? privateKey : Key.fromPem(publicKey.export({ type: 'spki', format: 'pem' }), { kid: 'k1' }),
    algorithms: [alg], issuer: claims.iss, audience: claims.aud, leeway: 30,
  })
  const opts = { algorithms: [alg], issuer: claims.iss, audience: claims.aud, clockTolerance: 30 }
  const pem = alg === 'HS256' ? privateKey : publicKey.export({ type: 'spki', format: 'pem' })
  const fastOff = createVerifier({ key: pem, algorithms: [alg], allowedIss: claims.iss, allowedAud: claims.aud, clockTolerance: 30000 })
  const fastOn = createVerifier({ key: pem, algorithms: [alg], allowedIss: claims.iss, allowedAud: claims.aud, clockTolerance: 30000, cache: true })
  const guard = (fn) => () => { try { return fn() } catch { return null } }
  const contenders = {
    apiward: guard(() => ours.verifySync(token)),
    'fast-jwt': guard(() => fastOff(token)),
    'fast-jwt+cache': guard(() => fastOn(token)),
    jose: () => jose.jwtVerify(token, pub, opts).catch(() => null),
  }
  if (alg !== 'EdDSA') contenders.jsonwebtoken = guard(() => jsonwebtoken.verify(token, pub, { ...opts, clockTolerance: 30 }))
  const valid = workload !== 'W5'
  for (const [name, fn] of Object.entries(contenders)) {
    const got = await fn()
    if ((got !== null) !== valid) throw new Error(`${workload} ${name}: unexpected verdict`)
  }
  await report(workload, `jwt ${alg} ${valid ? 'verify → object' : 'reject → error'}`, contenders)
  if (workload === 'W2' || workload === 'W3') {
    await report(workload, `jwt ${alg} verify() on the pool`, {
      apiward: () => ours.verify(token),
      jose: () => jose.jwtVerify(token, pub, opts),
    })
  }
}

// ------------------------------------------------------------------------------------ W6: limits
if (!only || only === 'W6') {
  const KEYS = Array.from({ length: 100_000 }, (_, i) => `203.0.${i >> 8}.${i & 255}`)
  // Capacity = keys + 1/8 headroom, as benches/python/bench.py sizes its table.
  const ours = new RateLimiter({ rate: 100, per: 60, burst: 100, capacity: 112_500 })
  const ersl = new MemoryStore()
  ersl.init({ windowMs: 60_000 })
  const rlf = new RateLimiterMemory({ points: 100, duration: 60 })
  // Heap growth while each peer fills with the 100k keys (exact with --expose-gc, as make bench-node runs).
  const heapGrowth = async (fill) => {
    globalThis.gc?.()
    const before = process.memoryUsage().heapUsed
    for (const k of KEYS) await fill(k)
    globalThis.gc?.()
    return process.memoryUsage().heapUsed - before
  }
  const grown = {
    apiward: await heapGrowth((k) => ours.check(k)),
    'express-rate-limit MemoryStore': await heapGrowth((k) => ersl.increment(k)),
    'rate-limiter-flexible': await heapGrowth((k) => rlf.consume(k).catch(() => null)),
  }
  // The floor: a plain Map of counters (no policy, no time, no fixed memory) pays the same key
  // fetches and hash-table misses as any limiter in this harness.
  const floor = new Map(KEYS.map((k) => [k, { count: 0 }]))
  let a = 0
  let b = 0
  let c = 0
  let d = 0
  const next = (k) => KEYS[(k * 7919) % 100_000]
  await report('W6', 'limit check (100k keys)', {
    apiward: () => ours.check(next(a++)).allowed,
    'express-rate-limit MemoryStore': () => ersl.increment(next(b++)),
    'rate-limiter-flexible': () => rlf.consume(next(c++)).catch(() => null),
    'Map counter (floor)': () => ++floor.get(next(d++)).count <= 100,
  })
  ersl.shutdown()
  const perKey = (bytes) => `${(bytes / 100_000).toFixed(1)} B/key`
  console.log(`     JS heap growth at 100k keys: ${Object.entries(grown).map(([n, v]) => `${n} ${perKey(v)}`).join('  ')}${globalThis.gc ? '' : ' (run with --expose-gc for exact figures)'}`)
  const million = new RateLimiter({ rate: 100, per: 60, burst: 100, capacity: 1_125_000 })
  console.log(`     apiward fixed table (native, outside the JS heap): ${perKey(ours.tableBytes)} at 100k keys, ${(million.tableBytes / 1_000_000).toFixed(1)} B/key at 1M keys; lossy evictions while filling: ${ours.evictions}`)
}

// --------------------------------------------------------------------------- W7–W9: validation
const cases = JSON.parse(readFileSync(join(ROOT, 'tests', 'vectors', 'validate', 'cases.json'), 'utf8'))
const schemaOf = (name) => cases.groups.find((g) => g.name === name)?.schema
const W7 = readFileSync(join(WORKLOADS, 'w7_small.json'))
const W8 = readFileSync(join(WORKLOADS, 'w8_order.json'))
const W9 = readFileSync(join(WORKLOADS, 'w9_reject.json'))
const USER = {
  type: 'object',
  properties: {
    email: { type: 'string', format: 'email' },
    username: { type: 'string', minLength: 3, maxLength: 32, pattern: '^[a-zA-Z0-9_]+$' },
    age: { type: 'integer', minimum: 13, maximum: 120 },
  },
  required: ['email', 'username', 'age'],
  additionalProperties: false,
}
const ORDER = schemaOf('W8 order')
const ajv = new Ajv({ allErrors: true })
addFormats(ajv)
const zUser = z.strictObject({ email: z.email(), username: z.string().min(3).max(32).regex(/^[a-zA-Z0-9_]+$/), age: z.int().min(13).max(120) })
function bench(workload, what, schema, zodSchema, body, valid) {
  const ours = new Schema(schema)
  const check = ajv.compile(schema)
  const contenders = {
    apiward: () => { try { return ours.validate(body) } catch { return null } },
    'ajv (+JSON.parse)': () => { const v = JSON.parse(body); return check(v) ? v : null },
  }
  if (zodSchema) contenders['zod (+JSON.parse)'] = () => { const r = zodSchema.safeParse(JSON.parse(body)); return r.success ? r.data : null }
  for (const [name, fn] of Object.entries(contenders)) {
    if ((fn() !== null) !== valid) throw new Error(`${workload} ${name}: unexpected verdict`)
  }
  return report(workload, what, contenders)
}
await bench('W7', 'validate small → object', USER, zUser, W7, true)
if (ORDER) await bench('W8', 'validate 1.5 KB order → object', ORDER, null, W8, true)
else if (!only || only === 'W8') console.log('W8   (no order schema in tests/vectors/validate/cases.json: skipped)')
await bench('W9', 'validate reject → error', USER, zUser, W9, false)
