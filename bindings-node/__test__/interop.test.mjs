// Tokens minted by real peers (jose, jsonwebtoken) for every algorithm they support that the core
// supports: accepted, and rejected once tampered.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import * as jose from 'jose'
import jsonwebtoken from 'jsonwebtoken'

import { JwtError, JwtVerifier, Key, sign } from '../index.mjs'
import { NOW } from './helpers.mjs'

const CLAIMS = {
  sub: 'user-1234',
  iss: 'https://auth.example.com/',
  aud: 'api://orders',
  iat: NOW,
  nbf: NOW,
  exp: NOW + 900,
  scope: 'orders:read orders:write',
}
const SECRET = Buffer.from(Array.from({ length: 64 }, (_, i) => i))
const RSA = generateKeyPairSync('rsa', { modulusLength: 2048 })
const EC = {
  ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  ES384: generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  ES512: generateKeyPairSync('ec', { namedCurve: 'P-521' }),
}
const ED = generateKeyPairSync('ed25519')

function pair(alg) {
  if (alg.startsWith('HS')) return { privateKey: SECRET, publicKey: SECRET }
  if (alg.startsWith('RS') || alg.startsWith('PS')) return RSA
  if (alg.startsWith('ES')) return EC[alg]
  return ED
}

function verifierFor(alg) {
  const { publicKey } = pair(alg)
  const keys = alg.startsWith('HS') ? SECRET : Key.fromPem(publicKey.export({ type: 'spki', format: 'pem' }), { kid: 'k1' })
  return new JwtVerifier({ keys, algorithms: [alg], issuer: CLAIMS.iss, audience: CLAIMS.aud, leeway: 30 })
}

async function mintJose(alg) {
  const { privateKey } = pair(alg)
  return new jose.SignJWT(CLAIMS).setProtectedHeader({ alg, kid: 'k1' }).sign(privateKey)
}

function mintJsonwebtoken(alg) {
  const { privateKey } = pair(alg)
  return jsonwebtoken.sign(CLAIMS, privateKey, { algorithm: alg, keyid: 'k1' })
}

function flipSignature(token) {
  const [head, payload, signature] = token.split('.')
  // A character in the middle (never the last one, whose low bits may be padding).
  const i = Math.floor(signature.length / 2)
  const replacement = signature[i] === 'A' ? 'B' : 'A'
  return [head, payload, signature.slice(0, i) + replacement + signature.slice(i + 1)].join('.')
}

const BASE = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512']
const PEERS = [
  ['jose', mintJose, [...BASE, 'EdDSA', 'Ed25519']],
  ['jsonwebtoken', mintJsonwebtoken, BASE], // jsonwebtoken 9 has no EdDSA
]

for (const [peer, mint, algs] of PEERS) {
  for (const alg of algs) {
    test(`${peer} ${alg}: accepted, tampered rejected`, async () => {
      const token = await mint(alg)
      const verifier = verifierFor(alg)
      assert.deepEqual(verifier.verifySync(token, { now: NOW + 60 }), CLAIMS)
      assert.deepEqual(await verifier.verify(token, { now: NOW + 60 }), CLAIMS)

      assert.throws(() => verifier.verifySync(flipSignature(token), { now: NOW + 60 }), (e) => e instanceof JwtError && e.code === 'bad_signature')
      await assert.rejects(verifier.verify(flipSignature(token), { now: NOW + 60 }), (e) => e instanceof JwtError && e.code === 'bad_signature')

      const [head, , signature] = token.split('.')
      const forged = Buffer.from(JSON.stringify({ ...CLAIMS, sub: 'admin' })).toString('base64url')
      assert.throws(() => verifier.verifySync([head, forged, signature].join('.'), { now: NOW + 60 }), (e) => e.code === 'bad_signature')
    })
  }
}

for (const alg of ['HS256', 'ES256', 'EdDSA']) {
  test(`apiward.sign ${alg} verifies in jose`, async () => {
    let key
    let verifyKey
    if (alg === 'HS256') {
      key = SECRET
      verifyKey = SECRET
    } else {
      const { privateKey, publicKey } = alg === 'ES256' ? EC.ES256 : ED
      key = privateKey.export({ format: 'jwk' })
      verifyKey = publicKey
    }
    const token = sign(CLAIMS, key, alg, { kid: 'k1' })
    const { payload, protectedHeader } = await jose.jwtVerify(token, verifyKey, { algorithms: [alg], currentDate: new Date((NOW + 60) * 1000) })
    assert.deepEqual(payload, CLAIMS)
    assert.equal(protectedHeader.kid, 'k1')
  })
}

test('alg confusion: HS256 signed with the RSA public key is refused', () => {
  const pem = RSA.publicKey.export({ type: 'spki', format: 'pem' })
  const token = jsonwebtoken.sign(CLAIMS, Buffer.from(pem), { algorithm: 'HS256' })
  assert.throws(() => verifierFor('RS256').verifySync(token, { now: NOW + 60 }), (e) => e instanceof JwtError && e.code === 'alg_not_allowed')
})
