/**
 * @module @vectora/rate-limit/readiness — each store's readiness check (`rate-limit:<policy>` in `/health/ready`):
 * one check per store however many policies share it, named per app.
 */
import type { PluginApp } from 'vectora'
import type { RateLimitStore } from './store.js'

/** Each store's readiness check: one function per store (the app counts it once), and the name it got first. */
const checks = new WeakMap<RateLimitStore, { name: string | undefined; fn: (signal: AbortSignal) => Promise<unknown> }>()

/**
 * The check of `store` (undefined for a store without `check`): one function per store, so the app counts it once.
 *
 * @example
 * const check = storeCheck(redisStore({ url })) // { name: undefined, fn }
 */
export function storeCheck(store: RateLimitStore) {
  if (store.check === undefined) return undefined
  let check = checks.get(store)
  if (check === undefined) {
    const run = store.check.bind(store)
    checks.set(store, (check = { name: undefined, fn: (signal) => run(signal) }))
  }
  return check
}

/**
 * Registers the store's check on `app` as `rate-limit:<policy>`; where another store of the app already has that
 * name (two Redis servers under one policy name), as `rate-limit:<policy>-2`, `-3`... — counted per app, so the
 * names of one app do not depend on the apps created before it in the process.
 *
 * @example
 * registerCheck(app, check, 'api', true) // /health/ready names it rate-limit:api
 */
export function registerCheck(app: PluginApp, check: NonNullable<ReturnType<typeof storeCheck>>, policyName: string, critical: boolean): void {
  const base = `rate-limit:${policyName}`
  const names = check.name === undefined ? [] : [check.name]
  for (let n = 1; n <= 100; n++) names.push(n === 1 ? base : `${base}-${n}`)
  for (const name of names) {
    try {
      app.healthCheck(name, check.fn, { critical })
      check.name ??= name
      return
    } catch (error) {
      const taken = (error as { code?: string }).code === 'VEC_ERR_INVALID_OPTION' && /already registered/.test(String((error as Error).message))
      if (!taken) throw error
    }
  }
}
