/** @module adapter — the Vectora `Logger` interface over a winston logger, with bound fields for children. */
import type { Logger } from 'vectora'
import type winston from 'winston'
import { IN_ORDER } from './schema.js'

/** Fields of a log call. */
export type Fields = Record<string, unknown>

/** What `req.log` and the app's logger are: Vectora's `Logger`, with `debug` and children. */
export interface StructuredLogger extends Logger {
  debug(message: string, fields?: Fields): void
  /** A line at any winston npm level (`'http'`, `'verbose'`, ...). */
  log(level: string, message: string, fields?: Fields): void
  /** A logger writing `fields` on every line (after the call's own fields, which win). */
  child(fields: Fields): StructuredLogger
}

/** Where a line goes: the winston logger, or whatever stands in for it once the logger is closed. */
export type Sink = (info: Fields & { level: string; message: string }) => void

/**
 * A StructuredLogger writing through `sink` with `bound` fields. A failing sink is reported to `onFailure`
 * and never thrown to the caller: logging never fails a request.
 */
export function structuredLogger(sink: () => Sink, bound: Fields, onFailure: (error: unknown) => void): StructuredLogger {
  const write = (level: string, message: string, fields?: Fields): void => {
    try {
      // Built in the schema's key order (timestamp and service are filled in later, in place), so the
      // format only reorders lines whose fields it had to rename.
      const entry = { timestamp: undefined, level, message: '', service: undefined, ...bound, ...fields, [IN_ORDER]: true }
      entry.level = level
      entry.message = String(message)
      sink()(entry)
    } catch (error) {
      onFailure(error)
    }
  }
  return {
    error: (message, fields) => write('error', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    info: (message, fields) => write('info', message, fields),
    debug: (message, fields) => write('debug', message, fields),
    log: write,
    child: (fields) => structuredLogger(sink, { ...bound, ...fields }, onFailure),
  }
}

/**
 * The sink that hands an entry to winston (its formats, then every transport). Entries are built in the
 * schema's key order; winston adds `service` (its `defaultMeta`) and the format fills in `timestamp`.
 *
 * @example
 * const sink = winstonSink(winston.createLogger({ transports }))
 */
export const winstonSink =
  (logger: winston.Logger): Sink =>
  (info) => {
    logger.log(info as winston.LogEntry)
  }
