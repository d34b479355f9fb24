/**
 * @module test/host/support — small tools the plugin-host suites share: a logger that records what it is
 * told (and lets a test await a line instead of sleeping), a boot-error matcher and a quiet test app.
 */
import assert from 'node:assert/strict'
import { createApp, type App, type AppOptions, type Logger } from 'vectora'

/** One recorded log call. */
export interface LogLine {
  level: 'error' | 'warn' | 'info'
  msg: string
  fields: Record<string, any>
}

/** A Logger that records every call; `next(match)` resolves with the first line (past or future) that matches. */
export interface CapturingLogger extends Logger {
  readonly lines: LogLine[]
  errors(): LogLine[]
  next(match: (line: LogLine) => boolean): Promise<LogLine>
}

export function captureLogger(): CapturingLogger {
  const lines: LogLine[] = []
  const waiters: Array<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }> = []
  const record = (level: LogLine['level']) => (msg: string, fields: Record<string, any> = {}): void => {
    const line = { level, msg, fields }
    lines.push(line)
    for (const w of [...waiters]) {
      if (w.match(line)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(line)
      }
    }
  }
  return {
    lines,
    error: record('error'),
    warn: record('warn'),
    info: record('info'),
    errors: () => lines.filter((l) => l.level === 'error'),
    next(match) {
      const found = lines.find(match)
      if (found !== undefined) return Promise.resolve(found)
      return new Promise((resolve) => waiters.push({ match, resolve }))
    },
  }
}

/**
 * A test app: signals off, production error replies, and a capturing logger (so expected failures do not
 * spill JSON onto the test output). Pass `logger` to read what was logged.
 */
export function testApp(options: AppOptions = {}): App {
  return createApp({ handleSignals: false, development: false, logger: captureLogger(), ...options })
}

/** For `assert.rejects`/`assert.throws`: the error has `code` and its message matches every pattern. */
export function hasCode(code: string, ...patterns: RegExp[]) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof Error, `expected an Error, got ${String(error)}`)
    assert.equal((error as { code?: unknown }).code, code, `wrong code; message: ${error.message}`)
    for (const pattern of patterns) assert.match(error.message, pattern)
    return true
  }
}
