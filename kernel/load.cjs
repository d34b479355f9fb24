/**
 * @module load — finds the compiled kernel (index.node) for this platform.
 *
 * Order: VECTORA_KERNEL_PATH, a local build (kernel/index.node, written by `npm run build:kernel` in the
 * Vectora repository), then the prebuilt platform package (@vectora/kernel-<platform>). CommonJS on
 * purpose: `.node` files load through require.
 *
 * Every require happens here, eagerly, inside a try: a lazy proxy would defer the platform package's
 * require to the first property access, outside any try, and users would see a raw "Cannot find module"
 * instead of VEC_ERR_KERNEL_NOT_FOUND. (internal/native.ts loads this file on first use, so importing
 * vectora on an unsupported platform still works until a server starts.)
 */
'use strict'

const path = require('node:path')

/** The platforms a prebuilt binary ships for (package.json `neon.platforms`). */
const PLATFORMS = {
  'linux-x64-gnu': () => require('@vectora/kernel-linux-x64-gnu'),
}

function notFound(message, cause) {
  const error = new Error(`VEC_ERR_KERNEL_NOT_FOUND: ${message}`, cause === undefined ? undefined : { cause })
  error.code = 'VEC_ERR_KERNEL_NOT_FOUND'
  return error
}

/** True when `error` says `specifier` itself is missing (not one of its own dependencies). */
function isMissing(error, specifier) {
  return error !== null && typeof error === 'object' && error.code === 'MODULE_NOT_FOUND' &&
    typeof error.message === 'string' && error.message.includes(`'${specifier}'`)
}

function currentPlatform() {
  try {
    return require('@neon-rs/load').currentPlatform()
  } catch {
    return `${process.platform}-${process.arch}`
  }
}

function loadKernel() {
  const override = process.env.VECTORA_KERNEL_PATH
  if (override) {
    try {
      return require(path.resolve(override))
    } catch (cause) {
      throw notFound(`VECTORA_KERNEL_PATH=${override} does not load as a Vectora kernel; point it at a built index.node or unset it.`, cause)
    }
  }
  try {
    return require('./index.node')
  } catch (localError) {
    if (!isMissing(localError, './index.node')) throw localError
  }
  const platform = currentPlatform()
  const supported = Object.keys(PLATFORMS).join(', ')
  const load = PLATFORMS[platform]
  if (load === undefined) {
    throw notFound(
      `Vectora ships no kernel binary for ${platform} yet (supported: ${supported}). ` +
        'Build the kernel yourself from the Vectora repository (`npm run build:kernel`, needs a Rust toolchain) ' +
        'and point VECTORA_KERNEL_PATH at the index.node it writes.',
    )
  }
  const pkg = `@vectora/kernel-${platform}`
  try {
    return load()
  } catch (cause) {
    if (isMissing(cause, pkg)) {
      throw notFound(
        `the kernel binary package ${pkg} is not installed. It is an optional dependency of vectora, and npm ` +
          'skips optional dependencies when installed with --omit=optional or from a lock file made on another ' +
          `platform (npm/cli#4828): run \`npm install ${pkg}\` (or reinstall without --omit=optional), ` +
          'or point VECTORA_KERNEL_PATH at a built index.node.',
        cause,
      )
    }
    throw notFound(`${pkg} is installed but does not load (${cause && cause.message}); reinstall it, or check that it matches this Node.js (${process.version}).`, cause)
  }
}

module.exports = loadKernel()
