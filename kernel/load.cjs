/**
 * @module load — finds the compiled kernel (index.node) for this platform.
 *
 * Order: VECTORA_KERNEL_PATH, the local build (kernel/index.node, written by
 * `npm run build:native`), then the prebuilt platform package
 * (@vectora/kernel-<platform>). CommonJS on purpose: `.node` files load through require.
 */
'use strict'

const path = require('node:path')

function loadKernel() {
  const override = process.env.VECTORA_KERNEL_PATH
  if (override) {
    try {
      return require(path.resolve(override))
    } catch (cause) {
      const error = new Error(
        `VEC_ERR_KERNEL_NOT_FOUND: VECTORA_KERNEL_PATH=${override} does not load as a Vectora kernel; ` +
          'point it at a built index.node or unset it.',
        { cause },
      )
      error.code = 'VEC_ERR_KERNEL_NOT_FOUND'
      throw error
    }
  }
  try {
    return require('./index.node')
  } catch (localError) {
    if (localError && localError.code !== 'MODULE_NOT_FOUND') throw localError
  }
  try {
    return require('@neon-rs/load').proxy({
      platforms: {
        'linux-x64-gnu': () => require('@vectora/kernel-linux-x64-gnu'),
      },
    })
  } catch (cause) {
    const error = new Error(
      `VEC_ERR_KERNEL_NOT_FOUND: no Vectora kernel binary for ${process.platform}-${process.arch}. ` +
        'Install the matching @vectora/kernel-<platform> package (npm may skip optional dependencies, see npm/cli#4828), ' +
        'or build from source with a Rust toolchain: `npm run build:native -w vectora` (writes kernel/index.node), ' +
        'or point VECTORA_KERNEL_PATH at a built index.node.',
      { cause },
    )
    error.code = 'VEC_ERR_KERNEL_NOT_FOUND'
    throw error
  }
}

module.exports = loadKernel()
