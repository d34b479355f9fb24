/**
 * @module cli/kernel-binding — whether the native kernel loads here, from which file, or why not (the loader's
 * VEC_ERR_KERNEL_NOT_FOUND message names the case and the fix); and the platform name the prebuilt binaries use.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { loadNative } from '../internal/native.js'

/** What loading the kernel gave. */
export type BindingReport =
  | { readonly loaded: true; readonly file: string; readonly via: string }
  | { readonly loaded: false; readonly code: string; readonly message: string }

/**
 * Loads the kernel the way the app does (kernel/load.cjs: VECTORA_KERNEL_PATH, a local build, then the platform
 * package) and says which file that was.
 *
 * @example
 * const binding = checkBinding('/app/node_modules/vectora')
 * if (!binding.loaded) console.error(binding.message)
 */
export function checkBinding(packageDir: string): BindingReport {
  try {
    loadNative()
  } catch (error) {
    const given = (error as { code?: unknown } | null)?.code
    return { loaded: false, code: typeof given === 'string' ? given : 'unknown', message: error instanceof Error ? error.message : String(error) }
  }
  const override = process.env.VECTORA_KERNEL_PATH
  if (override) return { loaded: true, file: resolve(override), via: 'VECTORA_KERNEL_PATH' }
  const local = join(packageDir, 'index.node')
  if (existsSync(local)) return { loaded: true, file: local, via: 'a local build' }
  const pkg = `@vectora/kernel-${currentPlatform(packageDir)}`
  try {
    return { loaded: true, file: createRequire(join(packageDir, 'load.cjs')).resolve(pkg), via: pkg }
  } catch {
    return { loaded: true, file: pkg, via: pkg }
  }
}

/**
 * The platform name of the prebuilt binaries (`linux-x64-gnu`, `darwin-arm64`, …), as @neon-rs/load computes it.
 *
 * @example
 * currentPlatform('/app/node_modules/vectora') // 'linux-x64-gnu'
 */
export function currentPlatform(packageDir: string): string {
  try {
    const load = createRequire(join(packageDir, 'load.cjs'))('@neon-rs/load') as { currentPlatform(): string }
    return load.currentPlatform()
  } catch {
    return `${process.platform}-${process.arch}`
  }
}
