/**
 * @module cli/args — a command's arguments: its flags (node:util parseArgs, strict), at most one `[entry]`, and
 * everything after `--`, which goes to the app untouched.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { usage } from './errors.js'

/** The flags a command takes, as node:util `parseArgs` options (`help` is added to every command). */
export type FlagSpec = NonNullable<ParseArgsConfig['options']>

/** A command's parsed arguments. */
export interface CommandArgs {
  readonly flags: Record<string, string | boolean | string[] | undefined>
  /** The one positional argument, if given. */
  readonly entry: string | undefined
  /** What followed `--`, for the app's `process.argv`. */
  readonly rest: readonly string[]
}

/**
 * Parses `argv` (what follows the command name). Unknown flags, a flag without its value, or a second
 * positional are VEC_ERR_CLI_USAGE errors naming the command.
 *
 * @example
 * parseCommandArgs('routes', ['src/main.ts', '--json'], { json: { type: 'boolean' } })
 * // { flags: { json: true }, entry: 'src/main.ts', rest: [] }
 */
export function parseCommandArgs(command: string, argv: readonly string[], spec: FlagSpec): CommandArgs {
  const split = argv.indexOf('--')
  const own = split === -1 ? [...argv] : argv.slice(0, split)
  const rest = split === -1 ? [] : argv.slice(split + 1)
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args: own, options: { ...spec, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true })
  } catch (error) {
    // parseArgs' messages name the flag ("Unknown option '--prot'"); the code says the kind.
    throw usage(`${(error as Error).message.replace(/\. To specify a positional argument.*$/s, '')}.`)
  }
  if (parsed.positionals.length > 1) {
    throw usage(`${command} takes one entry, got ${parsed.positionals.length} (${parsed.positionals.join(' ')}); pass the app's own arguments after --.`)
  }
  return { flags: parsed.values as CommandArgs['flags'], entry: parsed.positionals[0], rest }
}

/**
 * A flag's value as a whole number in `[min, max]`, or `fallback` when absent.
 *
 * @example
 * intFlag('port', '3000', 3000, 0, 65_535) // 3000
 */
export function intFlag(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(n) || n < min || n > max) throw usage(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}.`)
  return n
}
