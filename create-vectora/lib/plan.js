/**
 * @module create-vectora/lib/plan — decides what to create: the directory, the template, the package manager,
 * whether to install and run `git init`. Flags decide first; in a terminal, @clack/prompts asks for the rest;
 * without one, the defaults apply. Nothing is written here, so cancelling a question leaves no trace.
 */
import path from 'node:path'
import { DEFAULT_DIR, detectPackageManager, PACKAGE_MANAGERS } from './cli-options.js'
import { CreateError } from './errors.js'
import { npmNameProblem, toValidName } from './names.js'
import { inspectTarget } from './scaffold.js'
import { DEFAULT_TEMPLATE, listTemplates, resolveTemplate, TEMPLATE_HINTS } from './templates.js'

/**
 * The plan: `{ root, name, template, pm, install, git, replacing }`. `prompts` is `@clack/prompts` when
 * asking is allowed, else undefined.
 *
 * @example
 * const plan = await makePlan(parseCli(['my-app', '--yes']), undefined)
 * // { root: '/cwd/my-app', name: 'my-app', template: 'minimal', pm: 'npm', install: true, git: true, replacing: [] }
 */
export async function makePlan(options, prompts) {
  // Flags first: a wrong one fails before any question is asked.
  const requestedTemplate = options.template === undefined ? undefined : resolveTemplate(options.template)
  const ask = prompts === undefined ? undefined : asker(prompts)

  const dir = options.dir ?? (ask ? await ask.directory() : DEFAULT_DIR)
  const root = path.resolve(dir)
  const name = path.basename(root)
  const problem = npmNameProblem(name)
  if (problem) {
    throw new CreateError(
      'CREATE_NAME_INVALID',
      `"${name}" is not a valid npm package name (${problem}); the package is named after its directory. ` +
        `Choose another directory name, e.g. "${toValidName(name)}".`,
    )
  }
  const { entries } = inspectTarget(root)
  if (entries.length > 0 && !options.overwrite && !(ask && (await ask.replace(root, entries)))) {
    throw new CreateError(
      'CREATE_DIR_NOT_EMPTY',
      `directory ${display(root)} is not empty. Choose another directory, or pass --overwrite to replace its contents ` + '(everything but .git is removed).',
    )
  }

  const template = requestedTemplate ?? (ask ? await ask.template() : DEFAULT_TEMPLATE)
  const pm = options.pm ?? (ask ? await ask.packageManager() : detectPackageManager())
  // Asked, the answers default to yes, so --yes (every default) installs and inits too. Without a terminal
  // and without --yes neither runs unless asked for: a script may not expect the network or a repository.
  const install = options.install ?? (ask ? await ask.confirm(`Install dependencies with ${pm} now?`) : options.yes === true)
  const git = options.git ?? (ask ? await ask.confirm('Initialize a git repository?') : options.yes === true)
  return { root, name, template, pm, install, git, replacing: entries }
}

/** The questions, over @clack/prompts; a cancelled one (Ctrl-C, Escape) throws CREATE_CANCELLED. */
function asker(p) {
  const answer = async (pending) => {
    const value = await pending
    if (p.isCancel(value)) throw new CreateError('CREATE_CANCELLED', 'cancelled; nothing was written.')
    return value
  }
  return {
    directory: () =>
      answer(
        p.text({
          message: 'Where should the app go?',
          placeholder: DEFAULT_DIR,
          defaultValue: DEFAULT_DIR,
          validate: (value) => directoryProblem(value || DEFAULT_DIR),
        }),
      ),
    replace: (root, entries) =>
      answer(
        p.confirm({
          message: `${display(root)} is not empty (${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}). Replace its contents? Everything but .git is removed.`,
          initialValue: false,
        }),
      ),
    template: () =>
      answer(
        p.select({
          message: 'Which template?',
          options: listTemplates().map((t) => ({ value: t, label: t, hint: TEMPLATE_HINTS[t] })),
          initialValue: DEFAULT_TEMPLATE,
        }),
      ),
    packageManager: () =>
      answer(
        p.select({
          message: 'Which package manager?',
          options: PACKAGE_MANAGERS.map((pm) => ({ value: pm, label: pm })),
          initialValue: detectPackageManager(),
        }),
      ),
    confirm: (message) => answer(p.confirm({ message, initialValue: true })),
  }
}

/** What is wrong with `dir` as the app's directory, as the prompt shows it, or undefined. */
function directoryProblem(dir) {
  const name = path.basename(path.resolve(dir))
  const problem = npmNameProblem(name)
  if (problem) return `"${name}" cannot name the package: ${problem}. Try "${toValidName(name)}".`
  try {
    inspectTarget(path.resolve(dir))
  } catch (error) {
    return error.message
  }
  return undefined
}

/**
 * `dir` relative to the current directory, as messages show it (`.` for the current directory).
 *
 * @example
 * display(process.cwd()) // '.'
 */
export function display(dir) {
  return path.relative(process.cwd(), dir) || '.'
}
