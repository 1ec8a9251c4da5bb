// Loads the apiward edge module (.wasm) with the plain WebAssembly API, as an edge runtime would, and
// checks its verdicts against the shared vectors in tests/vectors/ (JWT, rate limit, validation).
// Run: node --test examples/edge-wasm/test.mjs   (after scripts/edge-wasm.sh has built the module;
// APIWARD_WASM=path overrides where the module is read from). No npm dependencies.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const vectors = join(here, '../../tests/vectors');
const wasmPath =
  process.env.APIWARD_WASM ?? join(here, 'target/wasm32-unknown-unknown/release/apiward_edge_wasm.wasm');

const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {});
const api = instance.exports;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Copies the pieces into the module's input buffer; returns their byte lengths. */
function put(...pieces) {
  const bytes = pieces.map((p) => (typeof p === 'string' ? encoder.encode(p) : p));
  const total = bytes.reduce((n, b) => n + b.length, 0);
  assert.ok(total <= api.input_capacity(), `input of ${total} bytes exceeds the module's buffer`);
  const memory = new Uint8Array(api.memory.buffer);
  let at = api.input_ptr();
  for (const b of bytes) {
    memory.set(b, at);
    at += b.length;
  }
  return bytes.map((b) => b.length);
}

/** The JSON verdict of `len` bytes the last call wrote. */
function output(len) {
  assert.ok(len > 0, 'the module wrote no verdict (output buffer overflow?)');
  const bytes = new Uint8Array(api.memory.buffer, api.output_ptr(), len);
  return JSON.parse(decoder.decode(bytes));
}

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/**
 * Compact JSON text of every value in a document, with numbers, strings and member order exactly as
 * written: JSON.parse + JSON.stringify would round 9007199254740993 in a schema's `maximum`, and
 * reorder integer-like member names. Returns a tree of {text, members?, items?}.
 */
function parseRaw(src) {
  let i = 0;
  const ws = () => {
    while (' \t\r\n'.includes(src[i])) i++;
  };
  const value = () => {
    ws();
    if (src[i] === '{') {
      i++;
      const members = [];
      ws();
      if (src[i] === '}') i++;
      else
        for (;;) {
          const key = value();
          ws();
          i++; // ':'
          members.push([JSON.parse(key.text), value()]);
          ws();
          if (src[i++] === '}') break; // else ','
        }
      return { members, text: `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v.text}`).join(',')}}` };
    }
    if (src[i] === '[') {
      i++;
      const items = [];
      ws();
      if (src[i] === ']') i++;
      else
        for (;;) {
          items.push(value());
          ws();
          if (src[i++] === ']') break;
        }
      return { items, text: `[${items.map((v) => v.text).join(',')}]` };
    }
    const start = i;
    if (src[i] === '"') {
      for (i++; src[i] !== '"'; i++) if (src[i] === '\\') i++;
      i++;
    } else {
      while (i < src.length && !',]} \t\r\n'.includes(src[i])) i++;
    }
    return { text: src.slice(start, i) };
  };
  return value();
}
const member = (node, name) => node.members.find(([k]) => k === name)?.[1];

test('JWT vectors (every file, every algorithm)', () => {
  const dir = join(vectors, 'jwt');
  let total = 0;
  const failures = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const doc = readJson(join(dir, file));
    if (!Array.isArray(doc.cases)) continue; // keys.json: the generator's private keys
    for (const c of doc.cases) {
      total += 1;
      const [jwks, token, policy] = put(JSON.stringify(c.keys), c.token, JSON.stringify(c.policy));
      const got = output(api.jwt_verify(jwks, token, policy, BigInt(c.now)));
      try {
        if (c.expect.valid) {
          assert.equal(got.valid, true, `rejected with ${got.code}`);
          if (c.expect.claims !== undefined) assert.deepStrictEqual(got.claims, c.expect.claims);
        } else {
          assert.deepStrictEqual(got, { valid: false, code: c.expect.code });
        }
      } catch (e) {
        failures.push(`${file}: ${c.name}: ${e.message.split('\n')[0]}`);
      }
    }
  }
  console.log(`# ${total} JWT vectors`);
  assert.ok(total > 300, `only ${total} JWT vectors found`);
  assert.deepStrictEqual(failures, []);
});

test('rate-limit vectors (scenarios and quota errors)', () => {
  const doc = readJson(join(vectors, 'limit/scenarios.json'));
  const seed = Uint8Array.from(doc.seed_hex.match(/../g).map((h) => parseInt(h, 16)));
  const configure = (capacity, q, admit) => {
    put(seed);
    const hasBurst = q.burst !== undefined;
    return output(
      api.limit_configure(capacity, q.count, BigInt(q.period_ns), hasBurst ? 1 : 0, hasBurst ? q.burst : 0, admit ? 1 : 0),
    );
  };
  for (const s of doc.scenarios) {
    assert.deepStrictEqual(configure(s.capacity, s.quota, s.full_policy === 'admit'), { ok: true }, s.name);
    s.steps.forEach((step, i) => {
      const [key] = put(step.key);
      const d = output(api.limit_check(key, BigInt(step.now_ns), step.cost));
      const e = step.expect;
      assert.deepStrictEqual(
        [d.allowed, d.remaining, d.retry_after_ns, d.reset_after_ns],
        [e.allowed, e.remaining, String(e.retry_after_ns), String(e.reset_after_ns)],
        `${s.name} step ${i}`,
      );
    });
    const end = output(api.limit_counters());
    assert.deepStrictEqual(
      [end.evictions, end.full_denials],
      [String(s.expect_end.evictions), String(s.expect_end.full_denials)],
      `${s.name}: counters`,
    );
  }
  for (const q of doc.quota_errors) {
    const got = configure(64, q, false);
    assert.deepStrictEqual(got, q.error === null ? { ok: true } : { ok: false, code: q.error }, q.name);
  }
});

test('validation vectors (W7/W9 and every group, compile errors)', () => {
  const text = readFileSync(join(vectors, 'validate/cases.json'), 'utf8');
  const doc = JSON.parse(text);
  const raw = parseRaw(text);
  let ran = 0;
  for (const [gi, g] of doc.groups.entries()) {
    const schema = member(member(raw, 'groups').items[gi], 'schema').text;
    const limits = g.limits ? JSON.stringify(g.limits) : '';
    for (const c of g.cases) {
      const body =
        c.body ?? c.body_repeat.prefix + c.body_repeat.unit.repeat(c.body_repeat.count) + c.body_repeat.suffix;
      const got = output(api.validate(...put(schema, body, limits)));
      const name = `${g.name} / ${c.name}`;
      if (c.valid) {
        assert.deepStrictEqual(got, { valid: true }, name);
      } else {
        const want = c.errors.map(({ path, code }) => ({ path, code }));
        assert.deepStrictEqual(got, { valid: false, first: want[0], errors: want }, name);
      }
      ran += 1;
    }
  }
  for (const [ci, c] of doc.compile_errors.entries()) {
    const schema = c.schema_text ?? member(member(raw, 'compile_errors').items[ci], 'schema').text;
    const got = output(api.validate(...put(schema, '{}', '')));
    assert.deepStrictEqual(got, { compile_error: { path: c.path, code: c.code } }, c.name);
    ran += 1;
  }
  assert.equal(ran, 112);
});

test('W7 and W9 by hand (the shapes a service sends)', () => {
  const schema = JSON.stringify({
    type: 'object',
    properties: {
      email: { type: 'string', format: 'email' },
      username: { type: 'string', minLength: 3, maxLength: 32, pattern: '^[a-zA-Z0-9_]+$' },
      age: { type: 'integer', minimum: 13, maximum: 120 },
    },
    required: ['email', 'username', 'age'],
  });
  const w7 = '{"email":"ada@example.com","username":"ada_lovelace","age":36}';
  const w9 = '{"email":"ada@example.com","username":"ada_lovelace","age":9999,"is_admin":true}';
  assert.deepStrictEqual(output(api.validate(...put(schema, w7, ''))), { valid: true });
  const got = output(api.validate(...put(schema, w9, '')));
  assert.equal(got.valid, false);
  assert.deepStrictEqual(
    got.errors.map((e) => e.path),
    ['/age', '/is_admin'],
  );
});
