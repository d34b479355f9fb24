/**
 * @module plugins/policy/test/support — what the policy suites share besides vectora/testing (the two
 * transports, the capturing logger): quiet test apps, a stand-in authentication plugin that sets
 * `req.auth = { subject, claims }` from a bearer token table, and a notes service.
 */
import assert from 'node:assert/strict'
import { createApp, definePlugin, HttpError, type App, type VectoraRequest } from 'vectora'
import { type CapturingLogger, captureLogger, closeAfterTest, createTestApp, type TestApp, type TestResponse } from 'vectora/testing'

/** A quiet test app (signals off, production errors, recorded logs as `app.logger`), closed after the test. */
export function testApp(logger: CapturingLogger = captureLogger()): TestApp {
  return createTestApp({ logger })
}

/** A test app with the app's default logger (JSON lines on stdout and stderr), for what users see by default. */
export function defaultLoggerApp(): App {
  return closeAfterTest(createApp({ handleSignals: false, development: false }))
}

/** The shape @vectora/jwt gives `req.auth` (docs/plugins.md). */
export interface Auth {
  subject: string
  claims: Record<string, unknown>
}

/** `req.auth` without augmenting RequestDecorations (the jwt plugin owns that declaration). */
export function authOf(req: VectoraRequest<any>): Auth | undefined {
  return (req as { auth?: Auth }).auth
}

/**
 * A stand-in for a JWT plugin: `authorization: Bearer <token>` looked up in `tokens` sets
 * `req.auth = { subject, claims }`; no header leaves req.auth undefined; an unknown token is 401.
 */
export const fakeAuth = definePlugin({
  name: 'test-auth',
  version: '0.0.0',
  setup(app, options: { tokens: Record<string, Auth> }) {
    app.decorateRequest('auth')
    app.addHook('authenticate', function onAuthenticate(req) {
      const header = req.header('authorization')
      if (header === undefined) return undefined
      const auth = options.tokens[header.replace(/^Bearer /, '')]
      if (auth === undefined) throw new HttpError(401, 'Unknown token.', { code: 'TEST_TOKEN_INVALID' })
      ;(req as { auth?: Auth }).auth = auth
      return undefined
    })
  },
})

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })

export interface Note {
  id: string
  ownerId: string
  title: string
  status: 'draft' | 'published'
}

/** The notes service the loaders resolve through DI. */
export class NoteStore {
  readonly #notes = new Map<string, Note>()
  lookups = 0

  constructor(notes: readonly Note[]) {
    for (const n of notes) this.#notes.set(n.id, { ...n })
  }

  async find(id: string): Promise<Note | undefined> {
    this.lookups++
    return this.#notes.get(id)
  }

  update(id: string, patch: Partial<Note>): Note {
    const note = { ...this.#notes.get(id)!, ...patch, id }
    this.#notes.set(id, note)
    return note
  }
}

/** Loads the note of `req.params.id` through the request's service scope. */
export const loadNote = (req: VectoraRequest<any>): Promise<Note | undefined> => req.services.resolve<NoteStore>('notes').find(req.params.id)

/** Asserts a problem+json reply with `status` and `code`; returns the body. */
export function assertProblem(res: TestResponse, status: number, code?: string): Record<string, any> {
  assert.equal(res.status, status, res.text())
  assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json\b/)
  const body = res.json<Record<string, any>>()
  assert.equal(body.status, status)
  if (code !== undefined) assert.equal(body.code, code)
  return body
}
