/**
 * @module cli/errors — the CLI's own errors (VEC_ERR_CLI_*): a stable code, the cause, the fix, and the exit code
 * the command ends with. docs/cli.md lists every code.
 */

/** Exit code of a command that was called wrong or a project the CLI cannot run (no entry, tsx missing). */
export const EXIT_USAGE = 2
/** Exit code of an app that failed (boot failure, a failed doctor check, no app found). */
export const EXIT_FAILURE = 1

/** Every code the CLI raises, with what to do about it (the message's last sentence). */
export const CLI_ERRORS = {
  VEC_ERR_CLI_USAGE: { exit: EXIT_USAGE, hint: 'Run `vectora <command> --help` for the commands and flags.' },
  VEC_ERR_CLI_ENTRY_NOT_FOUND: {
    exit: EXIT_USAGE,
    hint: 'Pass the module that creates your app (`vectora start dist/main.js`), or set `main` in package.json.',
  },
  VEC_ERR_CLI_TSX_MISSING: {
    exit: EXIT_USAGE,
    hint: 'Install it in the app (`npm install -D tsx`), or build the app and run the compiled .js entry.',
  },
  VEC_ERR_CLI_NO_APP: {
    exit: EXIT_FAILURE,
    hint: 'Point the command at the module that calls createApp() (your main), or export the app from it (`export default app`).',
  },
  VEC_ERR_CLI_CHECK_FAILED: { exit: EXIT_FAILURE, hint: 'Fix each check marked FAIL (its line says how), then run `vectora doctor` again.' },
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
