/**
 * @module testing/runner — the two functions of a test runner the kit calls: the globals mocha installs
 * by default, or the ones a test hands in (node:test's `describe` and `afterEach`).
 *
 * The kit's public types never name mocha's: a suite run by node:test type-checks without @types/mocha.
 */

/** Declares a group of tests: mocha's `describe`, node:test's `describe`. */
export type DescribeFn = (name: string, fn: () => void) => unknown

/** Registers `fn` to run after each test of the enclosing group: mocha's `afterEach`, node:test's `afterEach`. */
export type AfterEachFn = (fn: () => Promise<void>) => unknown

/**
 * What the kit needs of a test runner. A missing function is taken from the globals (mocha, jasmine-style
 * runners); node:test has none, so pass its own.
 *
 * @example
 * import { afterEach, describe } from 'node:test'
 * forEachTransport((t) => { ... }, { describe, afterEach })
 */
export interface TestRunner {
  readonly describe?: DescribeFn
  readonly afterEach?: AfterEachFn
}

/** The runner's `describe`: the one given, else the global; throws saying what to pass when neither exists. */
export function describeOf(runner: TestRunner | undefined): DescribeFn {
  return pick('describe', runner?.describe) as DescribeFn
}

/** The runner's `afterEach`: the one given, else the global; throws saying what to pass when neither exists. */
export function afterEachOf(given: AfterEachFn | undefined): AfterEachFn {
  return pick('afterEach', given) as AfterEachFn
}

function pick(name: 'describe' | 'afterEach', given: unknown): unknown {
  const fn = given ?? (globalThis as Record<string, unknown>)[name]
  if (typeof fn !== 'function') {
    throw new TypeError(`vectora/testing: there is no global ${name}(); pass your test runner's (import { ${name} } from 'node:test').`)
  }
  return fn
}
