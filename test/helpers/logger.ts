/**
 * @module test/helpers/logger — a Logger that records every call, shared by the core and plugin suites;
 * `next(match)` resolves with the first line (past or future) that matches, so tests await log lines
 * instead of sleeping.
 */
import type { Logger } from 'vectora'

/** One recorded log call. */
export interface LogLine {
  level: 'error' | 'warn' | 'info'
  msg: string
  fields: Record<string, any>
}

export interface CapturingLogger extends Logger {
  readonly lines: LogLine[]
  errors(): LogLine[]
  next(match: (line: LogLine) => boolean): Promise<LogLine>
}

export function captureLogger(): CapturingLogger {
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
  return {
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
}
