/**
 * @module create-vectora/lib/cli-options — the command line: flags, their help text, and the package
 * managers. Unknown flags and bad values are usage errors (exit code 2) that name the valid ones.
 */
import { parseArgs } from 'node:util'
import { CreateError } from './errors.js'
import { DEFAULT_TEMPLATE, TEMPLATE_HINTS } from './templates.js'

/** Where the app goes when no directory is given. */
export const DEFAULT_DIR = 'vectora-app'

/** The package managers `--pm` accepts. */
export const PACKAGE_MANAGERS = Object.freeze(['npm', 'pnpm', 'yarn', 'bun'])

const OPTIONS = {
  template: { type: 'string', short: 't' },
  pm: { type: 'string', short: 'p' },
  install: { type: 'boolean', short: 'i' },
  git: { type: 'boolean' },
  overwrite: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  interactive: { type: 'boolean' },
  vectora: { type: 'string' },
  version: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
}

/** The valid flags, as error messages list them. */
const FLAG_LIST = Object.entries(OPTIONS)
  .flatMap(([name, { type }]) =>
    type === 'boolean' && ['install', 'git', 'overwrite', 'interactive'].includes(name) ? [`--${name}`, `--no-${name}`] : [`--${name}`],
  )
  .join(', ')

/**
 * The help text of `--help`.
 *
 * @example
 * process.stdout.write(usage(['api', 'minimal']))
 */
export function usage(templates) {
  const list = templates.map((t) => `                          ${t.padEnd(9)} ${TEMPLATE_HINTS[t] ?? ''}`.trimEnd()).join('\n')
  return `Usage: create-vectora [dir] [options]

Scaffolds a Vectora app into <dir> (default: ${DEFAULT_DIR}). In a terminal it asks for what the
flags leave open; without one it never asks.

Options:
  -t, --template <name>   the template (default: ${DEFAULT_TEMPLATE}):
${list}
  -p, --pm <name>         package manager: ${PACKAGE_MANAGERS.join(', ')} (default: the one running this)
  -i, --install           install dependencies after scaffolding (the default with --yes)
      --no-install        do not install
      --git / --no-git    run \`git init\` in the new app, or not (yes with --yes; skipped
                          inside an existing git work tree)
      --overwrite         scaffold into a non-empty directory, replacing its contents
                          (everything but .git is removed)
  -y, --yes               accept every default without asking: installs and runs git init
                          (--no-install / --no-git still win)
      --interactive       ask questions (the default when stdin and stdout are terminals)
      --no-interactive    never ask; use the flags and the defaults
      --vectora <spec>    the app's vectora dependency (default: ^<this package's version>);
                          a path or file:<path> links a local checkout's kernel/ folder
  -v, --version           print the version
  -h, --help              print this help

Exit codes: 0 done, 1 refused or failed, 2 wrong command line, 130 cancelled.

Examples:
  npm create vectora@latest my-app
  npm create vectora@latest my-app -- --template api --yes --no-install
  node create-vectora/index.js ../my-app --vectora ./kernel   (from a clone of the repository)
`
}

/**
 * Parses the arguments after `create-vectora`.
 *
 * @example
 * parseCli(['my-app', '--template', 'api', '--yes']) // { dir: 'my-app', template: 'api', yes: true, ... }
 */
export function parseCli(args) {
  let parsed
  try {
    parsed = parseArgs({ args, allowPositionals: true, allowNegative: true, strict: true, options: OPTIONS })
  } catch (error) {
    throw new CreateError('CREATE_USAGE', `${describeParseError(error)} Run create-vectora --help for usage.`)
  }
  const { values, positionals } = parsed
  if (positionals.length > 1) {
    throw new CreateError('CREATE_USAGE', `expected one directory, got ${positionals.length}: ${positionals.join(' ')}. Quote a name with spaces.`)
  }
  if (values.pm !== undefined && !PACKAGE_MANAGERS.includes(values.pm)) {
    throw new CreateError('CREATE_PM_UNKNOWN', `unknown package manager "${values.pm}". Valid package managers: ${PACKAGE_MANAGERS.join(', ')}.`)
  }
  return { dir: positionals[0], ...values }
}

/** node:util's messages, reworded to name the valid flags. */
function describeParseError(error) {
  if (error?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'([^']+)'/.exec(error.message)?.[1] ?? 'an option'
    return `unknown option ${flag}. Valid options: ${FLAG_LIST}.`
  }
  if (error?.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = /--[a-z-]+/.exec(error.message)?.[0]
    if (flag === undefined) return error.message
    if (/does not take an argument/.test(error.message)) return `${flag} takes no value.`
    const example = flag === '--template' ? DEFAULT_TEMPLATE : flag === '--pm' ? 'npm' : '<value>'
    return `${flag} needs a value, e.g. ${flag} ${example}.`
  }
  return error?.message ?? String(error)
}

/**
 * The package manager that launched us (`npm_config_user_agent` is `pnpm/9.1.0 npm/? node/...`), else npm.
 *
 * @example
 * detectPackageManager({ npm_config_user_agent: 'yarn/4.5.0 npm/? node/v20' }) // 'yarn'
 */
export function detectPackageManager(env = process.env) {
  const detected = (env.npm_config_user_agent ?? '').split('/')[0]
  return PACKAGE_MANAGERS.includes(detected) ? detected : 'npm'
}
