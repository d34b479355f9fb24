/** @module base/logger — the minimal default logger: one JSON line per event (error/warn on stderr, info on stdout). */

/** What the app logs through. The logging plugin replaces it with a real logger later. */
export interface Logger {
  error(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  /** Optional: verbose events (e.g. every allowed policy decision). The default logger drops them. */
  debug?(message: string, fields?: Record<string, unknown>): void
}

/**
 * The default logger: `{"level":"error","time":"…","msg":"…",…fields}` lines; errors in fields are
 * serialized with name, message, code and stack.
 *
 * @example
 * const app = createApp({ logger: createLogger() })
 * app.log.warn('cache cold', { entries: 0 })
 */
export function createLogger(): Logger {
  const write = (stream: NodeJS.WriteStream, level: string, message: string, fields?: Record<string, unknown>): void => {
    let line: string
    try {
      line = JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...fields }, replaceErrors)
    } catch {
      line = JSON.stringify({ level, time: new Date().toISOString(), msg: message, fields: 'unserializable' })
    }
    stream.write(line + '\n')
  }
  return {
    error: (message, fields) => write(process.stderr, 'error', message, fields),
    warn: (message, fields) => write(process.stderr, 'warn', message, fields),
    info: (message, fields) => write(process.stdout, 'info', message, fields),
  }
}

/** True when `value` has the three logger functions. */
export function isLogger(value: unknown): value is Logger {
  const v = value as Partial<Logger> | null
  return typeof v === 'object' && v !== null && typeof v.error === 'function' && typeof v.warn === 'function' && typeof v.info === 'function'
}

function replaceErrors(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const { name, message, stack } = value
    const code = (value as { code?: unknown }).code
    const cause = value.cause
    return { name, message, code, stack, cause }
  }
  return typeof value === 'bigint' ? value.toString() : value
}
