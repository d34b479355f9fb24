/** @module @vectora/logger — placeholder while the package is built. */
export {}
