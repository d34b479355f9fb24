/**
 * @module create-vectora/lib/templates — the templates bundled in ./templates/<name>/, their one-line
 * descriptions, and the old names still accepted.
 */
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { CreateError } from './errors.js'

/** Where the templates are, inside this package. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../templates/', import.meta.url))

/** The template of `--yes` and of the first prompt's default. */
export const DEFAULT_TEMPLATE = 'minimal'

/** What each template is, as the prompt and `--help` show it. */
export const TEMPLATE_HINTS = Object.freeze({
  minimal: 'one route and its test',
  api: 'a notes service: JWT, policies, CORS, rate limit, JSON logs, metrics, OpenAPI, SQLite',
})

/** Names of earlier releases, still accepted by `--template`. */
export const TEMPLATE_ALIASES = Object.freeze({ 'basic-ts': 'minimal' })

/**
 * The bundled templates, sorted.
 *
 * @example
 * listTemplates() // ['api', 'minimal']
 */
export function listTemplates() {
  return fs
    .readdirSync(TEMPLATES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
}

/**
 * The template `requested` names (an alias gives its template); an unknown name is a usage error listing the
 * valid ones.
 *
 * @example
 * resolveTemplate('basic-ts') // 'minimal'
 */
export function resolveTemplate(requested) {
  const templates = listTemplates()
  const name = TEMPLATE_ALIASES[requested] ?? requested
  if (!templates.includes(name)) {
    throw new CreateError('CREATE_TEMPLATE_UNKNOWN', `unknown template "${requested}". Valid templates: ${templates.join(', ')}.`)
  }
  return name
}
