/**
 * @module @vectora/cookie/jar — `req.cookies`: the cookies a request came with, read on first use, and the
 * Set-Cookie fields queued for its reply. The plugin's onSend hook writes the queue to whatever reply goes out
 * (error replies included); after that the jar refuses new cookies rather than dropping them silently.
 */
import type { Reply, VectoraRequest } from 'vectora'
import type { ClearCookieOptions, CookieOptions } from './attributes.js'
import { CookieError } from './errors.js'
import { cookieHeaderParser } from './parse.js'
import { cookieIdentity, serializeClear, serializeCookie, type CookieDefaults } from './set-cookie.js'
import { sign, unsign } from './signing.js'

/**
 * The cookies of one request (`req.cookies`). Reading (`get`, `getSigned`, `all`) shows what the client sent;
 * writing (`set`, `setSigned`, `clear`) queues `Set-Cookie` fields for the reply and does not change what reading
 * shows. Setting a cookie again (same name, Path and Domain) replaces the queued field.
 *
 * @example
 * app.post('/login', (req) => {
 *   req.cookies.setSigned('sid', createSession(), { maxAge: 60 * 60 * 24 })
 *   return { ok: true }
 * })
 * app.get('/me', (req) => ({ sid: req.cookies.getSigned('sid') ?? null, theme: req.cookies.get('theme') }))
 */
export interface CookieJar {
  /** The value of cookie `name` as the client sent it, percent-decoded; undefined when it sent none. */
  get(name: string): string | undefined
  /**
   * The value of signed cookie `name` when its signature is one of the plugin's secrets' (the newest or an older
   * one), else undefined: missing, unsigned, tampered, or signed by an unknown key. Needs the `secret` option.
   */
  getSigned(name: string): string | undefined
  /** Every cookie the client sent, name -> decoded value (signed ones as `value.signature`); frozen, null prototype. */
  all(): Readonly<Record<string, string>>
  /** Queues `Set-Cookie: name=value` with `options` over the defaults. Throws a CookieError for anything invalid. */
  set(name: string, value: string, options?: CookieOptions): this
  /** Like `set`, the value signed with the first secret (`value.signature`). Needs the `secret` option. */
  setSigned(name: string, value: string, options?: CookieOptions): this
  /** Queues the removal of cookie `name`; pass the Path and Domain it was set with if they were not the defaults. */
  clear(name: string, options?: ClearCookieOptions): this
}

/** What every jar of one registration shares: resolved once at register(). */
export interface JarConfig {
  readonly defaults: CookieDefaults
  /** The signing keys, first signs; undefined without a `secret` option. */
  readonly keys: readonly Buffer[] | undefined
}

/** The jar of one request. Created by the `cookies` decoration on first access of `req.cookies`. */
export class RequestCookieJar implements CookieJar {
  readonly #req: VectoraRequest<any>
  readonly #config: JarConfig
  #received: Readonly<Record<string, string>> | undefined
  /** Queued Set-Cookie fields by identity (name, Path, Domain); undefined until the first set. */
  #outgoing: Map<string, string> | undefined
  #written = false

  constructor(req: VectoraRequest<any>, config: JarConfig) {
    this.#req = req
    this.#config = config
  }

  get(name: string): string | undefined {
    return this.all()[name]
  }

  getSigned(name: string): string | undefined {
    const keys = this.#keys('getSigned')
    const signed = this.all()[name]
    return signed === undefined ? undefined : unsign(keys, name, signed)
  }

  all(): Readonly<Record<string, string>> {
    return (this.#received ??= cookieHeaderParser.parse(this.#req.header('cookie')))
  }

  set(name: string, value: string, options?: CookieOptions): this {
    return this.#queue(name, options, serializeCookie(name, value, options, this.#config.defaults))
  }

  setSigned(name: string, value: string, options?: CookieOptions): this {
    const keys = this.#keys('setSigned')
    return this.#queue(
      name,
      options,
      serializeCookie(name, value, options, this.#config.defaults, (checked) => sign(keys, name, checked)),
    )
  }

  clear(name: string, options?: ClearCookieOptions): this {
    return this.#queue(name, options, serializeClear(name, options, this.#config.defaults))
  }

  /** Appends the queued fields to `reply`, one `Set-Cookie` each, in the order they were first queued. Once. */
  writeTo(reply: Reply): void {
    if (this.#written) return
    this.#written = true
    if (this.#outgoing === undefined) return
    for (const line of this.#outgoing.values()) reply.header('set-cookie', line)
  }

  #queue(name: string, options: CookieOptions | undefined, line: string): this {
    if (this.#written) {
      throw new CookieError(
        'COOKIE_TOO_LATE',
        `cookie "${name}" was set after the reply's Set-Cookie fields were written (onSend, stage 1000, of @vectora/cookie); ` +
          'set it earlier, or in a later onSend hook call setCookie(reply, ...) on the reply itself.',
      )
    }
    ;(this.#outgoing ??= new Map()).set(cookieIdentity(name, options, this.#config.defaults), line)
    return this
  }

  #keys(method: string): readonly Buffer[] {
    const keys = this.#config.keys
    if (keys === undefined) {
      throw new CookieError(
        'COOKIE_SECRET_INVALID',
        `req.cookies.${method}() needs a signing key: app.register(cookie, { secret: process.env.COOKIE_SECRET }).`,
      )
    }
    return keys
  }
}
