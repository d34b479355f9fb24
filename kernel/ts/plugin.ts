/** @module plugin — definePlugin() and the registry: dependencies, dedupe, attribution. */
import { isDeepStrictEqual } from 'node:util'
import { VectoraError } from './error-catalogue.js'
import { describe } from './headers.js'
import type { PluginApp } from './host.js'

/**
 * A plugin: a named, versioned package of hooks, routes, services and lifecycle hooks. `setup` receives a
 * facade of the app bound to the scope the plugin was registered in, and the options it was registered
 * with. Third-party plugins use exactly this API.
 *
 * @example
 * export const requestTimer = definePlugin({
 *   name: 'request-timer',
 *   version: '1.0.0',
 *   setup(app, options: { header?: string }) {
 *     app.addHook('onSend', (reply, req) => { reply.header(options.header ?? 'x-took', '1') })
 *   },
 * })
 */
export interface Plugin<O = any, H = PluginApp> {
  readonly name: string
  readonly version: string
  /** Names of plugins that must be registered before this one. */
  readonly dependencies: readonly string[]
  /** May be registered several times in one scope chain (each registration is its own instance). */
  readonly multiple: boolean
  readonly setup: (app: H, options: O) => void | Promise<void>
}

/** What definePlugin accepts. */
export interface PluginDefinition<O, H = PluginApp> {
  name: string
  version: string
  dependencies?: readonly string[]
  /**
   * Allow several registrations in one scope chain, each with its own options (e.g. an app-wide rate limit
   * plus a stricter one on a group). Default false: a repeat is deduplicated or refused.
   */
  multiple?: boolean
  setup: (app: H, options: O) => void | Promise<void>
}

const NAME = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i

/** Validates and freezes a plugin definition. Throws VEC_ERR_PLUGIN_INVALID naming what is wrong. */
export function definePlugin<O = undefined, H = PluginApp>(definition: PluginDefinition<O, H>): Plugin<O, H> {
  const d = definition as Partial<PluginDefinition<O, H>> | null
  const bad = (what: string): never => {
    throw new VectoraError('VEC_ERR_PLUGIN_INVALID', `definePlugin(): ${what}.`)
  }
  if (d === null || typeof d !== 'object') bad(`expects an object, got ${describe(d)}`)
  if (typeof d!.name !== 'string' || !NAME.test(d!.name)) bad(`name must be a package-style name like "my-plugin" or "@scope/name", got ${describe(d!.name)}`)
  if (typeof d!.version !== 'string' || d!.version === '') bad(`plugin ${d!.name} needs a version string`)
  if (typeof d!.setup !== 'function') bad(`plugin ${d!.name} needs a setup(app, options) function`)
  const dependencies = d!.dependencies ?? []
  if (!Array.isArray(dependencies) || dependencies.some((x) => typeof x !== 'string')) {
    bad(`plugin ${d!.name}: dependencies must be an array of plugin names`)
  }
  if (d!.multiple !== undefined && typeof d!.multiple !== 'boolean') bad(`plugin ${d!.name}: multiple must be a boolean`)
  return Object.freeze({
    name: d!.name!, version: d!.version!, dependencies: Object.freeze([...dependencies]), multiple: d!.multiple ?? false, setup: d!.setup!,
  })
}

interface Registration { plugin: Plugin; options: unknown; scope: number; chain: readonly number[]; where: string }

/**
 * The plugins of one app, in registration order (which is also dependency order). A plugin is registered
 * once per scope: the same plugin may be registered in sibling groups with their own options.
 */
export class PluginRegistry {
  readonly #entries = new Map<string, Registration>()

  /**
   * Records a registration in scope `scope` whose enclosing scopes are `ancestors`. Returns false for an exact
   * repeat (same name, deep-equal options, same scope or an enclosing one): the caller skips setup. A missing
   * dependency, or the same name with other options in the same scope chain, is a VEC_ERR_PLUGIN_* error.
   */
  add(plugin: Plugin, options: unknown, scope: number, ancestors: readonly number[], where: string): boolean {
    if (plugin === null || typeof plugin !== 'object' || typeof plugin.setup !== 'function' || typeof plugin.name !== 'string') {
      throw new VectoraError('VEC_ERR_PLUGIN_INVALID', `register() expects a plugin made with definePlugin(), got ${describe(plugin)}.`)
    }
    const chain = [scope, ...ancestors]
    if (plugin.multiple === true) {
      this.#checkDependencies(plugin, chain, where)
      this.#entries.set(`${scope}:${plugin.name}#${this.#entries.size}`, { plugin, options, scope, chain, where })
      return true
    }
    const existing = chain.map((id) => this.#entries.get(`${id}:${plugin.name}`)).find((r) => r !== undefined)
    if (existing !== undefined) {
      if (isDeepStrictEqual(existing.options, options)) return false
      throw new VectoraError(
        'VEC_ERR_PLUGIN_DUPLICATE',
        `Plugin ${plugin.name} is already registered in ${existing.where} with other options. Register it once ` +
          'per scope; for another configuration, register it in a separate group.',
      )
    }
    // Registered inside a nested group already: with the same options the outer registration wins there (the
    // host drops the inner one's hooks for those routes); with other options the group's would be ambiguous.
    const nested = [...this.#entries.values()].find((r) => r.plugin.name === plugin.name && r.chain.includes(scope))
    if (nested !== undefined && !isDeepStrictEqual(nested.options, options)) {
      throw new VectoraError(
        'VEC_ERR_PLUGIN_DUPLICATE',
        `Plugin ${plugin.name} is already registered in ${nested.where}, inside ${where}, with other options. ` +
          `Register it in ${where} only, or keep it in the groups that need it.`,
      )
    }
    this.#checkDependencies(plugin, chain, where)
    this.#entries.set(`${scope}:${plugin.name}`, { plugin, options, scope, chain, where })
    return true
  }

  #checkDependencies(plugin: Plugin, chain: readonly number[], where: string): void {
    for (const dependency of plugin.dependencies) {
      if (![...this.#entries.values()].some((r) => r.plugin.name === dependency && chain.includes(r.scope))) {
        throw new VectoraError(
          'VEC_ERR_PLUGIN_MISSING_DEPENDENCY',
          `Plugin ${plugin.name} needs ${dependency}, which is not registered in ${where} or a scope around it. ` +
            `Register ${dependency} before ${plugin.name}.`,
        )
      }
    }
  }

  /** Forgets a registration whose setup failed, so a corrected registration reports its own errors. */
  remove(name: string, scope: number): void {
    const keys = [...this.#entries].filter(([, r]) => r.plugin.name === name && r.scope === scope).map(([key]) => key)
    if (keys.length > 0) this.#entries.delete(keys[keys.length - 1])
  }

  /** True when a plugin of this name is registered anywhere in the app. */
  has(name: string): boolean {
    return [...this.#entries.values()].some((r) => r.plugin.name === name)
  }

  /** Plugin names in registration order (each once). */
  names(): string[] {
    return [...new Set([...this.#entries.values()].map((r) => r.plugin.name))]
  }
}
