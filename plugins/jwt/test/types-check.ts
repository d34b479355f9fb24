/**
 * @module plugins/jwt/test/types-check — type-level tests of @vectora/jwt, checked by `tsc --noEmit`
 * (types.test.ts); never run. Every `@ts-expect-error` must be needed.
 */
import { createApp } from 'vectora'
import { jwt, requireAuth } from '@vectora/jwt'

const app = createApp({ handleSignals: false })
app.register(jwt, { secret: 'a-secret-of-at-least-thirty-two-bytes!!', algorithms: ['HS256'], mode: 'optional' })

// Behind requireAuth, req.auth is set: no `!`, no `?.`.
app.get('/me', { guards: [requireAuth] }, (req) => ({ subject: req.auth.subject }))

app.get('/maybe', (req) => {
  // @ts-expect-error without the guard, auth may be missing
  const subject: string = req.auth.subject
  return { subject, optional: req.auth?.subject }
})
