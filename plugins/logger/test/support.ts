/**
 * @module plugins/logger/test/support — what the logger suites share: an in-memory destination whose lines
 * are parsed with JSON.parse, and a test app with the plugin registered on it.
 */
import { Writable } from 'node:stream'
import { createTestApp, type TestApp } from 'vectora/testing'
import { type LoggerOptions, logger } from '../src/index.js'

/** A parsed log line. */
export type Line = Record<string, any>

/** An in-memory destination: every chunk written is kept; `lines()` parses each line with JSON.parse. */
export function memoryDestination(): Writable & { text(): string; lines(): Line[]; where(match: Partial<Line>): Line[] } {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk))
      callback()
    },
  })
  const lines = (): Line[] =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line))
  return Object.assign(stream, {
    text: () => chunks.join(''),
    lines,
    where: (match: Partial<Line>) => lines().filter((line) => Object.entries(match).every(([key, value]) => line[key] === value)),
  })
}

/** A test app (closed after the test) with @vectora/logger writing JSON to an in-memory destination. */
export function loggedApp(options: LoggerOptions = {}): { app: TestApp; out: ReturnType<typeof memoryDestination> } {
  const out = memoryDestination()
  const app = createTestApp()
  app.register(logger, { format: 'json', service: 'test-svc', destination: out, ...options })
  return { app, out }
}

/** The access lines (message `request <outcome>`) written so far. */
export function accessLines(out: ReturnType<typeof memoryDestination>): Line[] {
  return out.lines().filter((line) => typeof line.message === 'string' && line.message.startsWith('request ') && 'outcome' in line)
}

/** Waits until `check()` is truthy (onResponse runs after the reply reached the client). */
export async function eventually<T>(check: () => T | false | undefined, ms = 2000): Promise<T> {
  const start = Date.now()
  for (;;) {
    const value = check()
    if (value) return value
    if (Date.now() - start > ms) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
