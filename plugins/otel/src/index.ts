/** @module @vectora/otel — placeholder while the package is built. */
export {}
