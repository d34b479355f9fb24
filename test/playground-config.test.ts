/**
 * @module test/playground-config — the playground's settings from the environment (what `npm start` reads) and
 * its password hashing: defaults, every refusal with its code and the variable it names, the generated JWT secret
 * and its warning, scrypt hashes that verify only their own password.
 */
import assert from 'node:assert/strict'
import { DEFAULT_DATABASE, loadConfig, PlaygroundConfigError } from '../playground/src/config.js'
import { hashPassword, verifyPassword } from '../playground/src/passwords.js'

const SECRET = 'x'.repeat(32)

function refusal(env: NodeJS.ProcessEnv, names: RegExp): void {
  assert.throws(
    () => loadConfig(env),
    (error: unknown) => error instanceof PlaygroundConfigError && error.code === 'PLAYGROUND_CONFIG_INVALID' && names.test(error.message),
  )
}

describe('playground configuration', () => {
  it('runs on the embedded defaults with nothing set: a SQLite file under playground/data/, 127.0.0.1:3000', () => {
    const { config, listen } = loadConfig({})
    assert.equal(config.database, DEFAULT_DATABASE)
    assert.match(config.database, /playground[/\\]data[/\\]playground\.db$/)
    assert.deepEqual(listen, { host: '127.0.0.1', port: 3000 })
    assert.equal(config.origins, 'loopback')
    assert.deepEqual(config.admins, [])
  })

  it('generates a JWT secret per start with a warning when JWT_SECRET is not set', () => {
    const first = loadConfig({})
    const second = loadConfig({})
    assert.ok(Buffer.byteLength(first.config.jwtSecret) >= 32)
    assert.notEqual(first.config.jwtSecret, second.config.jwtSecret)
    assert.deepEqual(
      first.warnings.map((w) => w.code),
      ['PLAYGROUND_JWT_SECRET_GENERATED'],
    )
    const set = loadConfig({ JWT_SECRET: SECRET })
    assert.equal(set.config.jwtSecret, SECRET)
    assert.deepEqual(set.warnings, [])
  })

  it('refuses to start in production without a JWT secret, and with a short one anywhere', () => {
    refusal({ NODE_ENV: 'production' }, /JWT_SECRET is not set and NODE_ENV is production/)
    refusal({ JWT_SECRET: 'short' }, /JWT_SECRET must be at least 32 bytes \(got 5\)/)
  })

  it('reads every variable', () => {
    const { config, listen } = loadConfig({
      JWT_SECRET: SECRET,
      PORT: '0',
      HOST: '0.0.0.0',
      PLAYGROUND_DB: ':memory:',
      PLAYGROUND_ADMINS: 'root, ops',
      PLAYGROUND_ORIGINS: 'https://notes.example.com,http://localhost:5173',
      PLAYGROUND_TOKEN_TTL: '600',
      PLAYGROUND_IP_LIMIT: '100',
      PLAYGROUND_AUTH_LIMIT: '5',
      PLAYGROUND_USER_LIMIT: '50',
      LOG_LEVEL: 'debug',
      NODE_ENV: 'development',
    })
    assert.deepEqual(listen, { host: '0.0.0.0', port: 0 })
    assert.equal(config.database, ':memory:')
    assert.deepEqual(config.admins, ['root', 'ops'])
    assert.deepEqual(config.origins, ['https://notes.example.com', 'http://localhost:5173'])
    assert.equal(config.tokenTtl, 600)
    assert.deepEqual([config.ipLimit.limit, config.authLimit.limit, config.userLimit.limit], [100, 5, 50])
    assert.equal(config.logLevel, 'debug')
    assert.equal(config.development, true)
  })

  it('refuses malformed values, naming the variable and what to write', () => {
    refusal({ PORT: 'eighty' }, /^PORT must be an integer from 0 to 65535 \(got "eighty"\)/)
    refusal({ PORT: '70000' }, /^PORT must be an integer/)
    refusal({ PLAYGROUND_TOKEN_TTL: '10' }, /^PLAYGROUND_TOKEN_TTL must be an integer from 60 to 86400/)
    refusal({ PLAYGROUND_IP_LIMIT: '0' }, /^PLAYGROUND_IP_LIMIT must be an integer from 1/)
    refusal({ PLAYGROUND_ADMINS: 'Root' }, /^PLAYGROUND_ADMINS: "Root" is not a username/)
    refusal({ PLAYGROUND_ORIGINS: 'https://notes.example.com/' }, /^PLAYGROUND_ORIGINS: "https:\/\/notes.example.com\/" is not an origin/)
    refusal({ LOG_LEVEL: 'verbose' }, /^LOG_LEVEL must be one of error, warn, info, debug/)
  })
})

describe('playground passwords', () => {
  it('hashes with scrypt and a fresh salt, and verifies only the same password', async () => {
    const a = await hashPassword('correct horse')
    const b = await hashPassword('correct horse')
    assert.match(a, /^scrypt\$16384\$8\$5\$[\w-]{22}\$[\w-]{43}$/)
    assert.notEqual(a, b)
    assert.equal(await verifyPassword('correct horse', a), true)
    assert.equal(await verifyPassword('correct horsE', a), false)
  })

  it('verifies a malformed stored value as false, never as an exception', async () => {
    for (const stored of ['', 'scrypt', 'bcrypt$1$2$3$4$5', 'scrypt$x$8$1$AAAA$AAAA', 'scrypt$16384$8$5$AAAA$AAAA']) {
      assert.equal(await verifyPassword('anything', stored), false, stored)
    }
  })
})
