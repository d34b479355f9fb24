/**
 * @module cli/main — the `vectora` command line (kernel/bin/vectora.js runs it): picks the command, parses its
 * flags, and turns every error into one line with its code and fix, and an exit code.
 */
import { parseCommandArgs, type CommandArgs, type FlagSpec } from './args.js'
import { dev, DEV_FLAGS } from './dev.js'
import { doctor, DOCTOR_FLAGS } from './doctor.js'
import { CliError, EXIT_FAILURE, usage } from './errors.js'
import { COMMANDS, helpText, type CommandName } from './help.js'
import { routes, ROUTES_FLAGS } from './routes.js'
import { runtimeInfo } from './runtime-info.js'
import { start, START_FLAGS } from './start.js'
import { didYouMean } from '../base/suggest.js'

const RUN: Record<CommandName, { flags: FlagSpec; run: (args: CommandArgs) => Promise<number | undefined> }> = {
  start: { flags: START_FLAGS, run: start },
  dev: { flags: DEV_FLAGS, run: dev },
  routes: { flags: ROUTES_FLAGS, run: routes },
  doctor: { flags: DOCTOR_FLAGS, run: doctor },
}

/**
 * Runs the CLI with `argv` (the arguments after `vectora`). Resolves the exit code, or undefined when the
 * command keeps running (`start`: the app exits with its own code).
 *
 * @example
 * const code = await main(process.argv.slice(2))
 * if (code !== undefined) process.exit(code)
 */
export async function main(argv: readonly string[]): Promise<number | undefined> {
  const [name, ...rest] = argv
  try {
    if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
      const topic = rest[0]
      process.stdout.write(helpText(name === 'help' && isCommand(topic) ? topic : undefined))
      return name === undefined ? 2 : 0
    }
    if (name === '-v' || name === '--version') {
      process.stdout.write(`${runtimeInfo().version}\n`)
      return 0
    }
    if (!isCommand(name)) {
      const hint = didYouMean(name, Object.keys(COMMANDS))
      throw usage(`vectora has no command ${JSON.stringify(name)} (the commands are ${Object.keys(COMMANDS).join(', ')}).${hint}`)
    }
    const command = RUN[name]
    const args = parseCommandArgs(name, rest, command.flags)
    if (args.flags.help === true) {
      process.stdout.write(helpText(name))
      return 0
    }
    return await command.run(args)
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`vectora${isCommand(name) ? ` ${name}` : ''}: ${error.message}\n`)
      return error.exitCode
    }
    process.stderr.write(`vectora: unexpected error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    return EXIT_FAILURE
  }
}

function isCommand(name: string | undefined): name is CommandName {
  return name !== undefined && Object.hasOwn(COMMANDS, name)
}
