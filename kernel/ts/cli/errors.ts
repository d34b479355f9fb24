/**
 * @module cli/errors — the CLI's own errors (VEC_ERR_CLI_*): a stable code, the cause, the fix (the catalogue's
 * hint: base/catalogue.ts holds every code, docs/errors.md lists them), and the exit code the command ends with.
 * docs/cli.md lists every code with its exit code.
 */
import { errorCatalogue } from '../base/catalogue.js'

/** Exit code of a command that was called wrong or a project the CLI cannot run (no entry, tsx missing). */
export const EXIT_USAGE = 2
/** Exit code of an app that failed (boot failure, a failed doctor check, no app found). */
export const EXIT_FAILURE = 1

/** Every code the CLI raises, with its exit code and what to do about it (the message's last sentence). */
export const CLI_ERRORS = {
  VEC_ERR_CLI_USAGE: { exit: EXIT_USAGE, hint: errorCatalogue.VEC_ERR_CLI_USAGE.hint },
  VEC_ERR_CLI_ENTRY_NOT_FOUND: { exit: EXIT_USAGE, hint: errorCatalogue.VEC_ERR_CLI_ENTRY_NOT_FOUND.hint },
  VEC_ERR_CLI_TSX_MISSING: { exit: EXIT_USAGE, hint: errorCatalogue.VEC_ERR_CLI_TSX_MISSING.hint },
  VEC_ERR_CLI_NO_APP: { exit: EXIT_FAILURE, hint: errorCatalogue.VEC_ERR_CLI_NO_APP.hint },
  VEC_ERR_CLI_CHECK_FAILED: { exit: EXIT_FAILURE, hint: errorCatalogue.VEC_ERR_CLI_CHECK_FAILED.hint },
} as const

/** A CLI error code. */
export type CliErrorCode = keyof typeof CLI_ERRORS

/**
 * An error the CLI reports as one line, `<code>: <cause> <fix>`, before exiting with `exitCode`.
 *
 * @example
 * throw new CliError('VEC_ERR_CLI_ENTRY_NOT_FOUND', 'No file at src/main.ts.')
 */
export class CliError extends Error {
  readonly code: CliErrorCode
  readonly exitCode: number
  constructor(code: CliErrorCode, detail: string, options?: { cause?: unknown }) {
    super(`${code}: ${detail} ${CLI_ERRORS[code].hint}`, options)
    this.code = code
    this.exitCode = CLI_ERRORS[code].exit
  }

  static {
    this.prototype.name = 'CliError'
  }
}

/**
 * A usage error (unknown flag, missing value, unknown command).
 *
 * @example
 * throw usage('vectora start: unknown flag --prot.')
 */
export function usage(detail: string): CliError {
  return new CliError('VEC_ERR_CLI_USAGE', detail)
}
