/** @module test/support — what the tests share: an app per test on an in-memory database, tokens, captured logs. */
import { Writable } from 'node:stream'
import type { LoggerService } from '@vectora/logger'
import type { App } from 'vectora'
import { closeAfterTest } from 'vectora/testing'
import { buildApp } from '../src/app.js'
import { tokenSigner } from '../src/auth.js'
import { loadConfig, type Config } from '../src/config.js'

/** The test configuration: a fresh in-memory SQLite database per app, a known secret, one allowed origin. */
export const TEST_CONFIG: Config = loadConfig({
  NODE_ENV: 'test',
  DB_FILE: ':memory:',
  JWT_SECRET: 'a-test-secret-that-is-at-least-32-bytes',
  CORS_ORIGINS: 'https://app.example.com',
  RATE_LIMIT: '1000',
})

/** An app as `npm start` builds it, with `overrides` applied, its JSON log lines captured; closed after the test. */
export function testApp(overrides: Partial<Config> = {}): { app: App; logs: () => Promise<Record<string, unknown>[]> } {
  let text = ''
  const sink = new Writable({
    write(chunk, _encoding, done) {
      text += chunk
      done()
    },
  })
  const app = closeAfterTest(buildApp({ ...TEST_CONFIG, ...overrides }, { app: { handleSignals: false }, logDestination: sink }))
  const logs = async () => {
    // Lines leave in batches; flushed() resolves once every line so far reached the destination.
    await app.resolve<LoggerService>('logger').flushed()
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
  }
  return { app, logs }
}

const signer = tokenSigner(TEST_CONFIG, '5m')

/** The `authorization` header of a caller: `as('ada')`, `as('root', ['admin'])`. */
export function as(subject: string, roles: string[] = []): Record<string, string> {
  return { authorization: `Bearer ${signer.sign({ sub: subject, roles })}` }
}
