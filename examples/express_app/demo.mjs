// The Express scene of `make demo`: the orders service on 127.0.0.1, driven by a scripted client.
import { sign } from 'apiward'
import { AUDIENCE, DEMO_SECRET, ISSUER, createApp } from './app.mjs'

const records = []
const app = createApp({ logger: (record) => records.push(record) })
const server = app.listen(0, '127.0.0.1')
await new Promise((resolve) => server.once('listening', resolve))
const base = `http://127.0.0.1:${server.address().port}`

function token(scope, expIn = 900) {
  const now = Math.floor(Date.now() / 1000)
  return sign({ sub: 'user-1234', iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + expIn, scope }, DEMO_SECRET, 'HS256')
}

async function show(what, path, init = {}) {
  const r = await fetch(base + path, init)
  const body = await r.text()
  const pick = ['www-authenticate', 'ratelimit', 'retry-after'].filter((h) => r.headers.has(h)).map((h) => `${h}: ${r.headers.get(h)}`)
  console.log(`${what.padEnd(38)} ${init.method ?? 'GET'} ${path} -> ${r.status} ${body}${pick.length ? `\n${' '.repeat(40)}${pick.join(' | ')}` : ''}`)
}

const json = (body, headers = {}) => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
const bearer = (t) => ({ authorization: `Bearer ${t}` })

console.log('apiward + Express: the orders service on', base)
await show('valid token, projected response', '/orders/1', { headers: bearer(token('orders:read')) })
await show('no token', '/orders/1')
await show('expired token', '/orders/1', { headers: bearer(token('orders:read', -3600)) })
await show('tampered token', '/orders/1', { headers: bearer(token('orders:read').slice(0, -2) + 'AA') })
await show('token without orders:write', '/orders', json({ sku: 'BOOK-0002', qty: 1 }, bearer(token('orders:read'))))
await show('mass assignment (is_admin) + bad age', '/users', json({ email: 'ada@example.com', username: 'ada_lovelace', age: 9999, is_admin: true }))
for (let i = 1; i <= 6; i++) await show(`login attempt ${i}`, '/login', json({ username: 'ada', password: 'guess' }))
server.close()
console.log(`\n${records.length} rejections logged, one JSON record each, e.g.:\n${JSON.stringify(records.at(-1))}`)
