/**
 * @module cli/runtime-info — what the CLI reports about itself and the runtime: the vectora version and
 * folder, the Node.js and Node-API versions, the platform, and what the package requires of them.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The vectora package and the runtime it runs on. */
export interface RuntimeInfo {
  /** vectora's version (package.json). */
  readonly version: string
  /** The vectora package's folder. */
  readonly packageDir: string
  /** `engines.node` of vectora's package.json, e.g. `>=20.19`. */
  readonly nodeRange: string
  /** Platforms a prebuilt kernel ships for (`neon.platforms`), e.g. `linux-x64-gnu`. */
  readonly prebuilt: readonly string[]
  readonly node: string
  /** Node-API version of this Node.js (`process.versions.napi`). */
  readonly napi: number
  /** The Node-API version the kernel is built for (neon's `napi-8` feature). */
  readonly napiRequired: number
}

/** The kernel is built with neon's `napi-8` feature (kernel/Cargo.toml): it needs Node-API 8. */
const NAPI_REQUIRED = 8

/**
 * Reads vectora's package.json (beside ts/ and dist/) and the running Node.js.
 *
 * @example
 * runtimeInfo().version // '0.1.0'
 */
export function runtimeInfo(): RuntimeInfo {
  const url = new URL('../../package.json', import.meta.url)
  const pkg = JSON.parse(readFileSync(url, 'utf8')) as { version?: string; engines?: { node?: string }; neon?: { platforms?: Record<string, string> } }
  return {
    version: pkg.version ?? 'unknown',
    packageDir: fileURLToPath(new URL('.', url)).replace(/\/$/, ''),
    nodeRange: pkg.engines?.node ?? '*',
    prebuilt: Object.keys(pkg.neon?.platforms ?? {}),
    node: process.version,
    napi: Number(process.versions.napi ?? 0),
    napiRequired: NAPI_REQUIRED,
  }
}

/**
 * True when `version` (`v20.20.2`) satisfies a `>=major.minor[.patch]` range; other ranges are not checked (true).
 *
 * @example
 * satisfiesMinimum('v20.20.2', '>=20.19') // true
 */
export function satisfiesMinimum(version: string, range: string): boolean {
  const min = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim())
  if (min === null) return true
  const have = version.replace(/^v/, '').split('.').map(Number)
  const want = [Number(min[1]), Number(min[2] ?? 0), Number(min[3] ?? 0)]
  for (let i = 0; i < 3; i++) {
    if ((have[i] ?? 0) !== want[i]) return (have[i] ?? 0) > want[i]
  }
  return true
}
