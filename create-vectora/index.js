#!/usr/bin/env node
/**
 * @module create-vectora — `npm create vectora`: scaffolds a Vectora app from a bundled template.
 *
 * The composition root only: lib/cli-options parses the flags, lib/plan decides (asking with @clack/prompts
 * in a terminal), lib/scaffold writes the app atomically, lib/steps runs git and the install.
 * Templates live in ./templates/<name>/ and ship inside the package (no network at scaffold time).
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseCli, usage } from './lib/cli-options.js'
import { CreateError, EXIT } from './lib/errors.js'
import { display, makePlan } from './lib/plan.js'
import { templateDependencies, writeApp } from './lib/scaffold.js'
import { holdSignals } from './lib/signals.js'
import { initGit, nextSteps, runInstall } from './lib/steps.js'
import { listTemplates, TEMPLATES_DIR } from './lib/templates.js'
import { dependencySpecs, parseVectoraSpec } from './lib/vectora-spec.js'

const OWN = JSON.parse(fs.readFileSync(new URL('./package.json', import.meta.url), 'utf8'))

let prompts
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error) => {
    if (error instanceof CreateError) {
      if (error.code === 'CREATE_CANCELLED' && prompts) prompts.cancel(error.message)
      else process.stderr.write(`create-vectora: ${error.code}: ${error.message}\n`)
      process.exitCode = error.exitCode
    } else {
      process.stderr.write(`create-vectora: unexpected error\n${error?.stack ?? error}\n`)
      process.exitCode = EXIT.FAILED
    }
  },
)

async function main(args) {
  const options = parseCli(args)
  if (options.help || options.version) {
    process.stdout.write(options.help ? usage(listTemplates()) : `${OWN.version}\n`)
    return EXIT.OK
  }

  const terminal = process.stdin.isTTY === true && process.stdout.isTTY === true
  if (options.interactive === true && !terminal && !options.yes) {
    throw new CreateError('CREATE_USAGE', '--interactive needs a terminal (stdin and stdout); drop it, or pass the answers as flags.')
  }
  const interactive = !options.yes && (options.interactive ?? terminal)
  // Loaded only to ask: a scripted run needs nothing but Node.
  if (interactive) prompts = await import('@clack/prompts')
  const ui = interactive ? clackOutput(prompts) : plainOutput()

  ui.start()
  const vectora = parseVectoraSpec(options.vectora, OWN.version)
  const plan = await makePlan(options, prompts)
  const templateDir = path.join(TEMPLATES_DIR, plan.template)
  const dependencies = dependencySpecs(vectora, plan.root, templateDependencies(templateDir))

  // From here on an interrupt waits for the step in progress: the app is written whole or not at all.
  const held = holdSignals()
  writeApp({ templateDir, root: plan.root, name: plan.name, dependencies })
  const replaced = plan.replacing.length > 0 ? ` (replacing ${plan.replacing.length} existing ${plan.replacing.length === 1 ? 'entry' : 'entries'})` : ''
  ui.step(`Scaffolded ${plan.name} (template ${plan.template}) in ${display(plan.root)}${replaced}`)
  if (await held.caught()) return interrupted(ui, plan, 'after the files were written')

  if (plan.git) ui.step(initGit(plan.root).note)
  if (plan.install) {
    ui.pause()
    runInstall(plan.pm, plan.root)
    if (await held.caught()) return interrupted(ui, plan, `during \`${plan.pm} install\``)
  }
  ui.done(nextSteps({ root: plan.root, pm: plan.pm, installed: plan.install }))
  return EXIT.OK
}

/** A held signal arrived: the app is whole; say what is left to do and exit 130. */
function interrupted(ui, plan, when) {
  const steps = nextSteps({ root: plan.root, pm: plan.pm, installed: false })
  ui.warn(`Interrupted ${when}. ${display(plan.root)} is complete; to go on:\n${steps.map((s) => `  ${s}`).join('\n')}`)
  return EXIT.CANCELLED
}

/** Plain lines, for scripts and CI. */
function plainOutput() {
  const write = (text) => process.stdout.write(text)
  return {
    start() {},
    step: (message) => write(`${message}\n`),
    warn: (message) => process.stderr.write(`${message}\n`),
    pause() {},
    done: (steps) => write(`\nNext steps:\n${steps.map((s) => `  ${s}\n`).join('')}`),
  }
}

/** @clack/prompts' frame, in a terminal. */
function clackOutput(p) {
  return {
    start: () => p.intro(`create-vectora ${OWN.version}`),
    step: (message) => p.log.step(message),
    warn: (message) => p.log.warn(message),
    // The package manager draws its own output below.
    pause: () => p.log.info('Installing dependencies...'),
    done: (steps) => {
      p.note(steps.join('\n'), 'Next steps')
      p.outro('Done. The README says what each part is.')
    },
  }
}
