/**
 * @module playground/passwords — password hashing with node:crypto's scrypt (RFC 7914), no dependency. A hash is
 * stored as `scrypt$<N>$<r>$<p>$<salt>$<key>` (base64url), so the cost can be raised later and old hashes still
 * verify. scrypt runs on libuv's thread pool: the event loop never waits for it.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto'

/**
 * The cost: N = 2^14, r = 8, p = 5, one of the settings OWASP's Password Storage Cheat Sheet lists as its minimum
 * (16 MiB of memory per hash; about 160 ms on the development machine), and a 32-byte key.
 */
const COST = { N: 16_384, r: 8, p: 5 } as const
const KEY_LENGTH = 32
const SALT_LENGTH = 16
// scrypt needs about 128 * N * r bytes (16 MiB here); node's default maxmem is 32 MiB. Stored hashes with a
// higher cost than this allows fail to verify (false) rather than use unbounded memory.
const MAX_MEMORY = 64 * 1024 * 1024

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: MAX_MEMORY }
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)))
  })
}

/**
 * Hashes a password with a fresh random salt.
 *
 * @example
 * const stored = await hashPassword('correct horse battery staple') // 'scrypt$16384$8$5$…$…'
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH)
  const key = await derive(password, salt, COST)
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/**
 * Whether `password` is the one `stored` was made from. Compares in constant time; a malformed stored value is
 * `false`, never an exception.
 *
 * @example
 * if (!(await verifyPassword(body.password, user.passwordHash))) throw loginFailed()
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [N, r, p] = parts.slice(1, 4).map(Number)
  if (!Number.isSafeInteger(N) || !Number.isSafeInteger(r) || !Number.isSafeInteger(p)) return false
  const salt = Buffer.from(parts[4], 'base64url')
  const expected = Buffer.from(parts[5], 'base64url')
  if (expected.length !== KEY_LENGTH) return false
  try {
    return timingSafeEqual(await derive(password, salt, { N, r, p }), expected)
  } catch {
    return false
  }
}

/**
 * A hash of no real password, verified when a username is unknown: the answer then takes as long as for a
 * wrong password, so response times do not tell which usernames exist.
 *
 * @example
 * await verifyPassword(body.password, user?.passwordHash ?? await decoyHash())
 */
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('base64url'))
  return decoy
}
let decoy: Promise<string> | undefined
