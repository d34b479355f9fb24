/**
 * @module test/config — configuration mistakes fail register() with a clear JWT_CONFIG_INVALID cause:
 * no algorithms, `none`, a key that does not fit the algorithms, weak or PEM-looking secrets, insecure
 * JWKS URLs, typos. And the registrations that must work: sibling groups, and no clash but with another
 * owner of `req.auth`.
 */
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { definePlugin } from 'vectora'
import { jwt, type JwtOptions } from '../src/index.js'
import { useCleanup } from 'vectora/testing'
import { configError, keyPair, SECRET, testApp } from './support.js'

const register = (options: unknown) => () => testApp().register(jwt, options as JwtOptions)

describe('@vectora/jwt: configuration', () => {
  useCleanup()

  it('requires algorithms, explaining why there is no default', () => {
    assert.throws(register({ secret: SECRET }), configError(/algorithms is required/, /key confusion/))
    assert.throws(register({ secret: SECRET, algorithms: [] }), configError(/non-empty array/))
    assert.throws(register({ secret: SECRET, algorithms: 'HS256' }), configError(/non-empty array/))
  })

  it('refuses "none" in algorithms, in any case', () => {
    for (const none of ['none', 'None', 'NONE']) {
      assert.throws(register({ secret: SECRET, algorithms: ['HS256', none] }), configError(/must not contain "none"/))
    }
  })

  it('refuses algorithms jsonwebtoken does not verify', () => {
    assert.throws(register({ secret: SECRET, algorithms: ['HS257'] }), configError(/unsupported algorithm "HS257"/))
    assert.throws(register({ publicKeys: keyPair('rsa').publicPem, algorithms: ['EdDSA'] }), configError(/unsupported algorithm/))
  })

  it('refuses a secret with an asymmetric algorithm (secret + RS256), and public keys with HS256', () => {
    assert.throws(register({ secret: SECRET, algorithms: ['RS256'] }), configError(/secret verifies HS256\/HS384\/HS512 only/, /RS256/))
    assert.throws(register({ secret: SECRET, algorithms: ['HS256', 'RS256'] }), configError(/RS256/))
    assert.throws(register({ publicKeys: keyPair('rsa').publicPem, algorithms: ['HS256'] }), configError(/HS256 needs a secret/))
    assert.throws(register({ jwksUrl: 'https://idp.example/jwks', algorithms: ['RS256', 'HS256'] }), configError(/HS256 needs a secret/))
  })

  it('refuses a secret together with public keys, a JWKS or a private key', () => {
    assert.throws(register({ secret: SECRET, publicKeys: keyPair('rsa').publicPem, algorithms: ['HS256'] }), configError(/cannot be combined/))
    assert.throws(register({ secret: SECRET, jwksUrl: 'https://idp.example/jwks', algorithms: ['HS256'] }), configError(/cannot be combined/))
    assert.throws(register({ publicKeys: keyPair('rsa').publicPem, jwksUrl: 'https://idp.example/jwks', algorithms: ['RS256'] }), configError(/not both/))
  })

  it('refuses a PEM key given as the secret (the key-confusion mistake)', () => {
    assert.throws(register({ secret: keyPair('rsa').publicPem, algorithms: ['HS256'] }), configError(/looks like a PEM key/))
  })

  it('refuses secrets shorter than the hash (RFC 7518 §3.2)', () => {
    assert.throws(register({ secret: 'password123', algorithms: ['HS256'] }), configError(/11 bytes/, /at least 32/))
    assert.throws(register({ secret: SECRET, algorithms: ['HS512'] }), configError(/at least 64/))
  })

  it('refuses a key that fits none of the algorithms', () => {
    assert.throws(register({ publicKeys: keyPair('ec').publicPem, algorithms: ['RS256'] }), configError(/ec prime256v1 public key/, /RS256/))
    assert.throws(
      register({ publicKeys: { a: keyPair('rsa').publicPem, b: keyPair('ec').publicPem }, algorithms: ['RS256'] }),
      configError(/publicKeys\["b"\]/),
    )
    assert.throws(register({ publicKeys: 'not a pem', algorithms: ['RS256'] }), configError(/not a PEM public key/))
    assert.throws(register({ publicKeys: {}, algorithms: ['RS256'] }), configError(/empty/))
  })

  it('refuses a configuration without a key', () => {
    assert.throws(register({ algorithms: ['RS256'] }), configError(/no key/))
  })

  it('refuses a JWKS URL that is not https, except on loopback or with jwks.allowHttp', () => {
    assert.throws(register({ jwksUrl: 'http://idp.example/jwks', algorithms: ['RS256'] }), configError(/must be https/))
    assert.throws(register({ jwksUrl: 'ftp://idp.example/jwks', algorithms: ['RS256'] }), configError(/must be https/))
    assert.throws(register({ jwksUrl: 'not a url', algorithms: ['RS256'] }), configError(/absolute URL/))
    assert.doesNotThrow(register({ jwksUrl: 'http://127.0.0.1:8080/jwks', algorithms: ['RS256'] }))
    assert.doesNotThrow(register({ jwksUrl: 'http://localhost/jwks', algorithms: ['RS256'] }))
    assert.doesNotThrow(register({ jwksUrl: 'http://keycloak:8080/jwks', algorithms: ['RS256'], jwks: { allowHttp: true } }))
    assert.throws(register({ jwksUrl: 'https://idp.example/jwks', algorithms: ['RS256'], jwks: { cooldown: -1 } }), configError(/jwks.cooldown/))
    assert.throws(register({ jwksUrl: 'https://idp.example/jwks', algorithms: ['RS256'], jwks: { ttl: 1 } }), configError(/unknown jwks option "ttl"/))
    assert.throws(register({ secret: SECRET, algorithms: ['HS256'], jwks: { cooldown: 1 } }), configError(/jwks options need jwksUrl/))
  })

  it('refuses unknown options (a typo must not silently fall back to a default), listing the known ones', () => {
    assert.throws(register({ secret: SECRET, algorithms: ['HS256'], requireEXP: false }), configError(/unknown option "requireEXP" \(known: .*requireExp/))
  })

  it('refuses a clock that is not a function returning ms', () => {
    assert.throws(
      register({ secret: SECRET, algorithms: ['HS256'], clock: 1_700_000_000_000 }),
      configError(/clock must be a function/, /like Date\.now/, /got 1700000000000/),
    )
    assert.doesNotThrow(register({ secret: SECRET, algorithms: ['HS256'], clock: () => 0 }))
  })

  it('refuses a privateKey whose tokens publicKeys would not verify (the signer must issue what the verifier accepts)', () => {
    const signing = keyPair('rsa')
    const other = keyPair('rsa2')
    const base = { privateKey: signing.privatePem, algorithms: ['RS256'] }
    assert.throws(
      register({ ...base, keyId: 'k1', publicKeys: { k1: other.publicPem } }),
      configError(/the publicKeys entry for kid "k1" \(keyId\) is not privateKey's public key/, /would issue tokens this registration refuses/),
    )
    assert.throws(register({ ...base, keyId: 'k9', publicKeys: { k1: signing.publicPem } }), configError(/publicKeys has no key for kid "k9"/))
    assert.throws(
      register({ ...base, publicKeys: { k1: signing.publicPem, k2: other.publicPem } }),
      configError(/publicKeys has no key for a token without kid \(keyId is not set\)/),
    )
    assert.doesNotThrow(register({ ...base, keyId: 'k1', publicKeys: { k1: signing.publicPem, k2: other.publicPem } }))
    assert.doesNotThrow(register({ ...base, publicKeys: signing.publicPem }))
  })

  it('words its messages right: articles, agreement, values shown by kind, one period per sentence', () => {
    const ecPublic = keyPair('ec').publicKey
    const dsa = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 224 }).privateKey
    const cases: Array<[unknown, RegExp]> = [
      [{ secret: ecPublic, algorithms: ['HS256'] }, /secret must be a secret KeyObject \(got an ec prime256v1 public key\)/],
      [{ privateKey: dsa, algorithms: ['RS256'] }, /privateKey is a dsa private key, which none/],
      [{ secret: SECRET, algorithms: ['HS256'], clockTolerance: {} }, /clockTolerance .* \(got an object\)/],
      [{ secret: SECRET, algorithms: ['HS256'], mode: () => 'optional' }, /mode must be .* \(got a function\)/],
      [{ secret: SECRET, algorithms: ['HS256'], keepToken: 'yes' }, /keepToken must be a boolean \(got "yes"\)/],
      [{ secret: 'x'.repeat(40), algorithms: ['HS256', 'HS512'] }, /HS256, HS512 need at least 64/],
      [{ secret: SECRET, algorithms: ['RS256'] }, /lists RS256\. Verify it with publicKeys or jwksUrl/],
      [{ publicKeys: keyPair('rsa').publicPem, algorithms: ['HS256', 'HS384'] }, /HS256, HS384 need a secret/],
      [{ algorithms: ['RS256'] }, /no key: .*privateKey/],
    ]
    for (const [options, pattern] of cases) {
      assert.throws(register(options), (e: any) => {
        configError(pattern)(e)
        assert.doesNotMatch(e.cause.message, /\.\.|\[object |got undefined\b|\ba (?:[aeiou]|rsa|ec\b|ed\d)/i, e.cause.message)
        return true
      })
    }
  })

  it('refuses invalid values of the other options', () => {
    const base = { secret: SECRET, algorithms: ['HS256'] }
    assert.throws(register({ ...base, mode: 'maybe' }), configError(/mode must be/))
    assert.throws(register({ ...base, clockTolerance: -1 }), configError(/clockTolerance/))
    assert.throws(register({ ...base, maxTokenLength: 1.5 }), configError(/maxTokenLength/))
    assert.throws(register({ ...base, cookie: 'a b' }), configError(/cookie must be a cookie name/))
    assert.throws(register({ ...base, realm: 'a"b' }), configError(/realm/))
    assert.throws(register({ ...base, skip: '/health' }), configError(/skip must be a function/))
    assert.throws(register({ ...base, issuer: '' }), configError(/issuer/))
    assert.throws(register({ ...base, audience: [] }), configError(/audience/))
    assert.throws(register({ ...base, requireExp: 'yes' }), configError(/requireExp must be a boolean/))
    assert.throws(register(undefined), configError(/needs an options object/))
  })

  it("reports the plugin's name in the setup failure", () => {
    assert.throws(register({ secret: SECRET }), (e: any) => /@vectora\/jwt/.test(e.message))
  })

  it('fails when another plugin already owns req.auth', () => {
    const app = testApp()
    app.register(definePlugin({ name: 'api-keys', version: '1.0.0', setup: (a) => void a.decorateRequest('auth') }))
    assert.throws(
      () => app.register(jwt, { secret: SECRET, algorithms: ['HS256'] }),
      (e: any) => e.cause?.code === 'VEC_ERR_DECORATION_CONFLICT',
    )
  })

  it('registering the same options twice in one scope is a no-op; other options in the same scope are refused by the host', () => {
    const app = testApp()
    const options: JwtOptions = { secret: SECRET, algorithms: ['HS256'] }
    app.register(jwt, options)
    assert.doesNotThrow(() => app.register(jwt, { ...options }))
    assert.throws(
      () => app.register(jwt, { ...options, mode: 'optional' }),
      (e: any) => e.code === 'VEC_ERR_PLUGIN_DUPLICATE',
    )
  })
})
