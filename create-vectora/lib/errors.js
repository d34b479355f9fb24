/**
 * @module create-vectora/lib/errors — the errors a user of `create-vectora` can meet, each with a stable code
 * and the exit code it ends the process with (README "Errors and exit codes").
 */

/** Exit codes: 0 done, 1 refused or failed, 2 a wrong command line, 130 cancelled (Ctrl-C). */
export const EXIT = Object.freeze({ OK: 0, FAILED: 1, USAGE: 2, CANCELLED: 130 })

/** The exit code of each error code. */
const EXIT_OF = {
  CREATE_USAGE: EXIT.USAGE,
  CREATE_TEMPLATE_UNKNOWN: EXIT.USAGE,
  CREATE_PM_UNKNOWN: EXIT.USAGE,
  CREATE_NAME_INVALID: EXIT.USAGE,
  CREATE_VECTORA_SPEC_INVALID: EXIT.USAGE,
  CREATE_NOT_A_DIRECTORY: EXIT.FAILED,
  CREATE_DIR_NOT_EMPTY: EXIT.FAILED,
  CREATE_WRITE_FAILED: EXIT.FAILED,
  CREATE_INSTALL_FAILED: EXIT.FAILED,
  CREATE_CANCELLED: EXIT.CANCELLED,
}

/**
 * A failure the user can fix: printed as `create-vectora: <code>: <message>` without a stack trace.
 *
 * @example
 * throw new CreateError('CREATE_DIR_NOT_EMPTY', 'directory my-app is not empty. Pass --overwrite to replace its contents.')
 */
export class CreateError extends Error {
  /**
   * @param {keyof typeof EXIT_OF} code
   * @param {string} message
   * @param {{ exitCode?: number }} [options]
   */
  constructor(code, message, options = {}) {
    super(message)
    this.name = 'CreateError'
    this.code = code
    this.exitCode = options.exitCode ?? EXIT_OF[code] ?? EXIT.FAILED
  }
}

/** Every error code, for the README's table and its test. */
export const ERROR_CODES = Object.freeze(Object.keys(EXIT_OF))
