/**
 * @module testing/logger — a Logger that records every call instead of printing it; `next(match)` resolves
 * with the first line (past or future) that matches, so a test awaits a log line instead of sleeping.
 */
import type { Logger } from '../index.js'

/** One recorded log call. */
export interface LogLine {
  readonly level: 'error' | 'warn' | 'info' | 'debug'
  readonly msg: string
  readonly fields: Record<string, any>
}

/** A Logger that keeps what it was told. */
export interface CapturingLogger extends Logger {
  /** Every call so far, in order. */
  readonly lines: LogLine[]
  /** The `error` lines so far. */
  errors(): LogLine[]
  /** Resolves with the first line, already logged or still to come, that `match` accepts. */
  next(match: (line: LogLine) => boolean): Promise<LogLine>
}

/** Options of `captureLogger`. */
export interface CaptureLoggerOptions {
  /** Also record `debug` calls. Default false: like the default logger, the capture has no `debug` method, so code that logs verbose events only when one exists stays quiet. */
  debug?: boolean
}

/**
 * A logger for `createApp({ logger })` that records instead of printing: expected failures do not spill
 * JSON onto the test output, and a test can assert what was logged.
 *
 * @example
 * const logger = captureLogger()
 * const app = createApp({ logger })
 * // ... a request whose handler throws
 * const line = await logger.next((l) => l.msg === 'request failed')
 */
export function captureLogger(options: CaptureLoggerOptions = {}): CapturingLogger {
  const lines: LogLine[] = []
  const waiters: Array<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }> = []
  const record =
    (level: LogLine['level']) =>
    (msg: string, fields: Record<string, any> = {}): void => {
      const line = { level, msg, fields }
      lines.push(line)
      for (const w of [...waiters]) {
        if (w.match(line)) {
          waiters.splice(waiters.indexOf(w), 1)
          w.resolve(line)
        }
      }
    }
  const logger: CapturingLogger = {
    lines,
    error: record('error'),
    warn: record('warn'),
    info: record('info'),
    errors: () => lines.filter((l) => l.level === 'error'),
    next(match) {
      const found = lines.find(match)
      return found !== undefined ? Promise.resolve(found) : new Promise((resolve) => waiters.push({ match, resolve }))
    },
  }
  return options.debug === true ? Object.assign(logger, { debug: record('debug') }) : logger
}
