/**
 * @module create-vectora/lib/steps — what runs in the new app once its files are in place: `git init`,
 * `<pm> install`, and the next steps printed at the end.
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { CreateError, EXIT } from './errors.js'

/**
 * Runs `git init` in `root`, unless it already is in a git work tree (an app inside a monorepo) or git is
 * missing. Never throws: git is a convenience, the app is in place either way.
 *
 * @example
 * initGit('/work/my-app') // { done: true, note: 'Initialized a git repository.' }
 */
export function initGit(root) {
  const inside = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: root, encoding: 'utf8' })
  if (inside.error?.code === 'ENOENT') return { done: false, note: 'git is not installed: skipped `git init`.' }
  if (inside.status === 0 && inside.stdout.trim() === 'true') {
    return { done: false, note: 'The app is inside a git work tree already: skipped `git init`.' }
  }
  const init = spawnSync('git', ['init', '--quiet'], { cwd: root, encoding: 'utf8' })
  if (init.error || init.status !== 0) {
    const why = init.error?.message ?? (init.stderr.trim() || `exit code ${init.status}`)
    return { done: false, note: `\`git init\` failed (${why}); run it yourself if you want a repository.` }
  }
  return { done: true, note: 'Initialized a git repository.' }
}

/**
 * Runs `<pm> install` in `cwd`, its output on ours. `VECTORA_CREATE_SKIP_INSTALL=1` prints the command
 * instead (for tests). A failure or an interrupt is a CreateError saying the app is in place.
 *
 * @example
 * runInstall('npm', '/work/my-app')
 */
export function runInstall(pm, cwd, write = (text) => process.stdout.write(text)) {
  const command = `${pm} install`
  if (process.env.VECTORA_CREATE_SKIP_INSTALL === '1') {
    write(`Skipping \`${command}\` (VECTORA_CREATE_SKIP_INSTALL=1)\n`)
    return
  }
  write(`Running \`${command}\`...\n`)
  // A shell only on Windows, where npm/pnpm/yarn are .cmd shims.
  const result = spawnSync(pm, ['install'], { cwd, stdio: 'inherit', shell: process.platform === 'win32' })
  if (result.signal === 'SIGINT' || result.status === 130) {
    throw new CreateError('CREATE_CANCELLED', `\`${command}\` was interrupted. The app is in place; run \`${command}\` in it to finish.`, {
      exitCode: EXIT.CANCELLED,
    })
  }
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit code ${result.status ?? result.signal}`
    throw new CreateError('CREATE_INSTALL_FAILED', `\`${command}\` failed (${why}). The app is in place; run \`${command}\` in it again.`)
  }
}

/**
 * The commands to type next, as lines.
 *
 * @example
 * nextSteps({ root: '/work/my-app', pm: 'npm', installed: false }) // ['cd my-app', 'npm install', 'npm run dev', 'npm test']
 */
export function nextSteps({ root, pm, installed, cwd = process.cwd() }) {
  const rel = path.relative(cwd, root)
  const steps = []
  if (rel !== '') steps.push(`cd ${/[\s'"$`\\]/.test(rel) ? JSON.stringify(rel) : rel}`)
  if (!installed) steps.push(`${pm} install`)
  // `bun test` would run bun's own test runner, not the package script.
  steps.push(`${pm} run dev`, pm === 'bun' ? 'bun run test' : `${pm} test`)
  return steps
}
