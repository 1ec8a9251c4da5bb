// Shared paths and constants for the node --test suites.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const VECTORS = join(ROOT, 'tests', 'vectors')
export const NOW = 1_800_000_000
export const SECRET = Buffer.from(Array.from({ length: 32 }, (_, i) => i))

export function loadVectors(name) {
  return JSON.parse(readFileSync(join(VECTORS, name), 'utf8'))
}
