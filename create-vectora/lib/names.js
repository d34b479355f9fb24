/**
 * @module create-vectora/lib/names — npm package names: the app's package is named after its directory, so
 * the directory's name must be a valid name for a new package.
 */
import { builtinModules } from 'node:module'

/**
 * Why `name` cannot name a new npm package, or undefined. The rules of validate-npm-package-name (new
 * packages): 1-214 characters, lower case, URL-safe, no leading `.` or `_`, none of ~'!()*, not a Node
 * builtin, optionally `@scope/name`.
 *
 * @example
 * npmNameProblem('My App') // 'it has capital letters'
 * npmNameProblem('my-app') // undefined
 */
export function npmNameProblem(name) {
  if (name.length === 0) return 'it is empty'
  if (name.length > 214) return 'it is longer than 214 characters'
  if (name.trim() !== name) return 'it has leading or trailing spaces'
  if (/^[._]/.test(name)) return 'it starts with "." or "_"'
  if (name !== name.toLowerCase()) return 'it has capital letters'
  if (/[~'!()*]/.test(name)) return `it contains one of ~'!()*`
  if (['node_modules', 'favicon.ico'].includes(name) || builtinModules.includes(name)) return 'it is a reserved name'
  const scoped = /^@([^/]+)\/([^/]+)$/.exec(name)
  const parts = scoped ? [scoped[1], scoped[2]] : [name]
  if (parts.some((part) => /^[._]/.test(part) || encodeURIComponent(part) !== part)) {
    return 'it contains characters that are not URL-safe (use a-z, 0-9, "-", "." and "_")'
  }
  return undefined
}

/**
 * A valid package name close to `name`, to suggest; `fallback` when nothing usable is left.
 *
 * @example
 * toValidName('My App') // 'my-app'
 */
export function toValidName(name, fallback = 'vectora-app') {
  const cleaned = name
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/^[._]+/, '')
    .replace(/[^a-z0-9\-._~]/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
  return cleaned === '' || npmNameProblem(cleaned) ? fallback : cleaned
}
