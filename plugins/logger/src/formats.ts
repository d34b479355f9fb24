/** @module formats — the logform pipeline: schema mapping, redaction, ISO timestamp, then JSON or pretty text. */
import winston from 'winston'
import type { Logform } from 'winston'
import { configure } from 'safe-stable-stringify'
import { compileRedaction, redactInfo } from './redact.js'
import { IN_ORDER, mapCoreFields, ordered } from './schema.js'

const { format } = winston

/** What the format needs from the options. */
export interface FormatOptions {
  pretty: boolean
  production: boolean
  redact: readonly string[]
}

/** Maps core fields onto the schema and redacts, as a logform format. */
const schema = format((info, opts) => {
  const { production, rules } = opts as { production: boolean; rules: ReturnType<typeof compileRedaction> }
  const fields = info as unknown as Record<string, unknown>
  const renamed = mapCoreFields(fields, production)
  redactInfo(fields, rules)
  if (renamed) delete (info as { [IN_ORDER]?: true })[IN_ORDER]
  return info
})

/**
 * Reorders keys so the leading schema keys come first (the JSON keeps insertion order). Entries the adapter
 * built are in that order already, unless `schema` renamed a field; calls made on winston directly are not.
 */
const leading = format((info) => ((info as { [IN_ORDER]?: true })[IN_ORDER] ? info : ordered(info)))

const MESSAGE = Symbol.for('message')
/** safe-stable-stringify, configured once (logform's json format configures it again for every line). */
const safeStringify = configure({ deterministic: false })
const bigintToString = (_key: string, value: unknown): unknown => (typeof value === 'bigint' ? value.toString() : value)

/**
 * The JSON line: the engine's `JSON.stringify` (several times faster than a replacer-driven stringify), and
 * safe-stable-stringify — what logform's json format uses — only for an entry it refuses (a BigInt, a cycle),
 * with BigInts as strings and cycles as "[Circular]", as logform writes them.
 */
const jsonLine = format((info) => {
  let text: string
  try {
    text = JSON.stringify(info)
  } catch {
    text = safeStringify(info, bigintToString) ?? '{}'
  }
  ;(info as unknown as Record<symbol, string>)[MESSAGE] = text
  return info
})

/** One line for people: `12:00:00.000 info  message  key=value ...`, level coloured. */
const prettyLine = format.printf((info) => {
  const { timestamp, level, message, service: _service, ...rest } = info
  const extras = Object.entries(rest)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => (key === 'error.stack' ? `\n${value}` : `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`))
    .join(' ')
  return `${String(timestamp).slice(11, 23)} ${level} ${message}${extras ? `  ${extras}` : ''}`
})

/** The whole format of a logger with these options. */
export function buildFormat(options: FormatOptions): Logform.Format {
  const base = [schema({ production: options.production, rules: compileRedaction(options.redact) }), format.timestamp()]
  if (options.pretty) return format.combine(...base, format.colorize({ level: true }), prettyLine)
  return format.combine(...base, leading(), jsonLine())
}
