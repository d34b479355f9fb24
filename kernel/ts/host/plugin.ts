/** @module host/plugin — definePlugin() and the registry: dependencies, dedupe, attribution. */
import { describe } from '../base/check.js'
import { VectoraError } from '../base/catalogue.js'
import type { Plugin, PluginApp, PluginDefinition } from './types.js'

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
    name: d!.name!,
    version: d!.version!,
    dependencies: Object.freeze([...dependencies]),
    multiple: d!.multiple ?? false,
    setup: d!.setup!,
  })
}

interface Registration {
  plugin: Plugin
  options: unknown
  scope: number
  chain: readonly number[]
  where: string
  identity: string
}

/**
 * The plugins of one app, in registration order (which is also dependency order). A plugin is registered
 * once per scope chain, or once per distinct options for a `multiple: true` plugin: the same plugin may be
 * registered in sibling groups with their own options.
 */
export class PluginRegistry {
  readonly #entries = new Map<string, Registration>()
  /** Keys of `multiple` entries: a counter, not the map size, which shrinks when a failed setup is removed. */
  #instances = 0

  /**
   * Records a registration in scope `scope` whose enclosing scopes are `ancestors`. Returns false for an exact
   * repeat (same name, equal options per `optionsDifference`, in the same scope or an enclosing one): the
   * caller skips setup. Otherwise returns the registration's identity: registrations with one identity are
   * one configuration, and on a route whose scope chain holds several of them only the outermost one's hooks
   * run (a group registered it before the app did, with equal options). A missing dependency, or a plugin
   * without `multiple` registered with other options in the same scope chain, is a VEC_ERR_PLUGIN_* error.
   */
  add(plugin: Plugin, options: unknown, scope: number, ancestors: readonly number[], where: string): string | false {
    if (plugin === null || typeof plugin !== 'object' || typeof plugin.setup !== 'function' || typeof plugin.name !== 'string') {
      throw new VectoraError('VEC_ERR_PLUGIN_INVALID', `register() expects a plugin made with definePlugin(), got ${describe(plugin)}.`)
    }
    const chain = [scope, ...ancestors]
    const same = [...this.#entries.values()].filter((r) => r.plugin.name === plugin.name)
    if (same.some((r) => chain.includes(r.scope) && optionsDifference(r.options, options) === undefined)) return false
    if (plugin.multiple === true) {
      this.#checkDependencies(plugin, chain, where)
      // Equal options anywhere in the app share an identity, so a group's copy yields to the app's on its routes.
      const identity = same.find((r) => optionsDifference(r.options, options) === undefined)?.identity ?? `${plugin.name}#${this.#instances + 1}`
      this.#entries.set(`${scope}:${plugin.name}#${++this.#instances}`, { plugin, options, scope, chain, where, identity })
      return identity
    }
    const existing = chain.map((id) => this.#entries.get(`${id}:${plugin.name}`)).find((r) => r !== undefined)
    if (existing !== undefined) {
      // Only the facts here: VectoraError appends the catalogue's advice, once.
      const place = existing.where === where ? `already registered in ${where}` : `already registered in ${existing.where}, which encloses ${where}`
      throw new VectoraError(
        'VEC_ERR_PLUGIN_DUPLICATE',
        `Plugin ${plugin.name} is ${place}, with other options than this registration (${optionsDifference(existing.options, options)}).`,
      )
    }
    // Registered inside a nested group already: with the same options the outer registration wins there (the
    // host drops the inner one's hooks for those routes); with other options the group's would be ambiguous.
    const nested = same.find((r) => r.chain.includes(scope) && optionsDifference(r.options, options) !== undefined)
    if (nested !== undefined) {
      throw new VectoraError(
        'VEC_ERR_PLUGIN_DUPLICATE',
        `Plugin ${plugin.name} is already registered in ${nested.where}, inside ${where}, with other options than this ` +
          `registration (${optionsDifference(nested.options, options)}).`,
      )
    }
    this.#checkDependencies(plugin, chain, where)
    this.#entries.set(`${scope}:${plugin.name}`, { plugin, options, scope, chain, where, identity: plugin.name })
    return plugin.name
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

/**
 * Why two registrations' options are not the same configuration, or undefined when they are. Plain data
 * (primitives, arrays, plain objects, Dates, RegExps, Buffers and typed arrays) compares by value; functions
 * and every other object (a store, a client, a class instance, a Map) by identity. isDeepStrictEqual would
 * compare a class instance field by field, so two distinct stores with equal fields would dedupe into one:
 * they hold separate state, so they are different options; the same store instance passed twice is equal.
 * The answer names the first option that differs, for VEC_ERR_PLUGIN_DUPLICATE.
 *
 * @example
 * const store = new Map()
 * optionsDifference({ limit: 5, store }, { limit: 5, store })            // undefined: the same configuration
 * optionsDifference({ limit: 5, store }, { limit: 5, store: new Map() }) // 'store: another object or function …'
 * optionsDifference({ tag: 'a' }, { tag: 'b' })                          // 'tag: "b" here, "a" there'
 */
function optionsDifference(there: unknown, here: unknown): string | undefined {
  if (sameValue(there, here, new Map())) return undefined
  if (!isPlainObject(there) || !isPlainObject(here)) return `options: ${describe(here)} here, ${describe(there)} there`
  for (const key of new Set([...Reflect.ownKeys(there), ...Reflect.ownKeys(here)])) {
    const name = String(key)
    if (!Object.hasOwn(there, key) || !Object.hasOwn(here, key)) return `${name}: set in only one of them`
    const [a, b] = [there[key as string], here[key as string]]
    if (sameValue(a, b, new Map())) continue
    if (isValue(a) && isValue(b)) return `${name}: ${show(b)} here, ${show(a)} there`
    if (isData(a) && isData(b)) return `${name}: other values`
    return `${name}: another object or function (functions, stores and other instances compare by identity)`
  }
  return 'options: other values'
}

type Plain = Record<string | symbol, unknown>

const isPlainObject = (v: unknown): v is Plain => {
  if (v === null || typeof v !== 'object') return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}
const show = (v: unknown): string => (typeof v === 'string' ? describe(v) : String(v))
const isValue = (v: unknown): boolean => v === null || (typeof v !== 'object' && typeof v !== 'function')
const isData = (v: unknown): boolean => Array.isArray(v) || isPlainObject(v) || v instanceof Date || v instanceof RegExp || ArrayBuffer.isView(v)

/** Value equality for plain data, identity for the rest; `seen` pairs cut cycles in plain data. */
function sameValue(a: unknown, b: unknown, seen: Map<object, object>): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (seen.get(a) === b) return true
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    seen.set(a, b)
    return a.every((item, i) => sameValue(item, b[i], seen))
  }
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && Object.is(a.getTime(), b.getTime())
  if (a instanceof RegExp || b instanceof RegExp) {
    return a instanceof RegExp && b instanceof RegExp && a.source === b.source && a.flags === b.flags
  }
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor || a.byteLength !== b.byteLength) return false
    const [x, y] = [new Uint8Array(a.buffer, a.byteOffset, a.byteLength), new Uint8Array(b.buffer, b.byteOffset, b.byteLength)]
    return x.every((byte, i) => byte === y[i])
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false
  const keys = Reflect.ownKeys(a)
  if (keys.length !== Reflect.ownKeys(b).length || !keys.every((key) => Object.hasOwn(b, key))) return false
  seen.set(a, b)
  // Own property descriptors, not values: reading a getter could run code or differ per read.
  return keys.every((key) => {
    const [x, y] = [Object.getOwnPropertyDescriptor(a, key)!, Object.getOwnPropertyDescriptor(b, key)!]
    if ('value' in x && 'value' in y) return sameValue(x.value, y.value, seen)
    return x.get === y.get && x.set === y.set
  })
}
