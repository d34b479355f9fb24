/**
 * @module kernel/test/unit/coerce — contracts/coerce.ts, white-box: the coercion plan computed once from a
 * part's JSON Schema (which keys may turn from strings into numbers, booleans or arrays), and its use on
 * each request's params, query or headers.
 */
import assert from 'node:assert/strict'
import { coerce, declaredKeys, type JsonSchemaLike, type KeyPlan, objectBranches, planOf } from '../../ts/contracts/coerce.js'

/** The plan of an object schema, the way contract.ts computes it. */
function planFor(schema: JsonSchemaLike): KeyPlan[] {
  const branches = objectBranches(schema)
  assert.ok(branches !== null, 'an object schema')
  return planOf(branches, declaredKeys(branches))
}

const NUMBER = { number: true, boolean: false }
const BOOLEAN = { number: false, boolean: true }

describe('coercion plans', () => {
  it('finds the object branches of a part: itself, the object alternatives of a union, none for a non-object', () => {
    const obj = { type: 'object', properties: { a: { type: 'string' } } }
    assert.deepEqual(objectBranches(obj), [obj])
    assert.deepEqual(objectBranches({ anyOf: [obj, { type: 'string' }] }), [obj])
    const nullable = { type: ['object', 'null'] }
    assert.deepEqual(objectBranches(nullable), [nullable])
    assert.equal(objectBranches({ type: 'string' }), null)
    assert.equal(objectBranches({ oneOf: [{ type: 'string' }, { type: 'number' }] }), null)
    // No type at all: anything goes, nothing to check or coerce.
    assert.deepEqual(objectBranches({}), [])
  })

  it('declares the keys of every branch, from properties and required (strings only)', () => {
    const keys = declaredKeys([{ properties: { a: {}, b: {} }, required: ['a', 'c', 7] }, { properties: { d: {} } }])
    assert.deepEqual(keys, ['a', 'b', 'c', 'd'])
  })

  it('plans numbers and booleans for keys that accept them and no string, and nothing for string keys', () => {
    const plan = planFor({
      type: 'object',
      properties: {
        id: { type: 'integer' },
        ratio: { type: 'number' },
        flag: { type: 'boolean' },
        either: { type: ['number', 'boolean'] },
        name: { type: 'string' },
        loose: { anyOf: [{ type: 'number' }, { type: 'string' }] },
        anything: {},
      },
    })
    assert.deepEqual(plan, [
      { key: 'id', scalar: NUMBER, wrap: false, item: null },
      { key: 'ratio', scalar: NUMBER, wrap: false, item: null },
      { key: 'flag', scalar: BOOLEAN, wrap: false, item: null },
      { key: 'either', scalar: { number: true, boolean: true }, wrap: false, item: null },
    ])
  })

  it('reads const and enum values as their JSON kinds', () => {
    const plan = planFor({
      type: 'object',
      properties: { page: { enum: [1, 2, 3] }, on: { const: true }, mixed: { enum: ['a', 1] } },
    })
    assert.deepEqual(plan, [
      { key: 'page', scalar: NUMBER, wrap: false, item: null },
      { key: 'on', scalar: BOOLEAN, wrap: false, item: null },
    ])
  })

  it("wraps a single string for an array-only key and plans its items (not a tuple's), and leaves a string-or-array key alone", () => {
    const plan = planFor({
      type: 'object',
      properties: {
        ids: { type: 'array', items: { type: 'integer' } },
        tags: { type: 'array', items: { type: 'string' } },
        pair: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'number' }] },
        oneOrMany: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
        numbersOrOne: { anyOf: [{ type: 'number' }, { type: 'array', items: { type: 'number' } }] },
      },
    })
    assert.deepEqual(plan, [
      { key: 'ids', scalar: null, wrap: true, item: NUMBER },
      { key: 'tags', scalar: null, wrap: true, item: null },
      { key: 'pair', scalar: null, wrap: true, item: null },
      { key: 'numbersOrOne', scalar: NUMBER, wrap: false, item: NUMBER },
    ])
  })

  it('merges what a key accepts across the branches of a union', () => {
    const plan = planOf(
      [
        { type: 'object', properties: { v: { type: 'number' } } },
        { type: 'object', properties: { v: { type: 'boolean' } } },
        { type: 'object', properties: { w: { type: 'number' } } },
        { type: 'object', properties: { w: { type: 'string' } } },
      ],
      ['v', 'w', 'missing'],
    )
    assert.deepEqual(plan, [{ key: 'v', scalar: { number: true, boolean: true }, wrap: false, item: null }])
  })
})

describe('coerce', () => {
  const plan: KeyPlan[] = [
    { key: 'n', scalar: NUMBER, wrap: false, item: null },
    { key: 'b', scalar: BOOLEAN, wrap: false, item: null },
    { key: 'nb', scalar: { number: true, boolean: true }, wrap: false, item: null },
    { key: 'list', scalar: null, wrap: true, item: NUMBER },
    { key: 'words', scalar: null, wrap: true, item: null },
  ]

  it('turns numeric strings into numbers and leaves what is not a finite number a string', () => {
    assert.deepEqual(coerce({ n: '12' }, plan), { n: 12 })
    assert.deepEqual(coerce({ n: '-1.5e3' }, plan), { n: -1500 })
    for (const text of ['abc', '1e999', '0x10', '1.', ' 1', '']) assert.deepEqual(coerce({ n: text }, plan), { n: text }, JSON.stringify(text))
  })

  it('turns "true"/"false" into booleans, and "1"/"0" too unless the key also accepts numbers', () => {
    assert.deepEqual(coerce({ b: 'true' }, plan), { b: true })
    assert.deepEqual(coerce({ b: 'false' }, plan), { b: false })
    assert.deepEqual(coerce({ b: '1' }, plan), { b: true })
    assert.deepEqual(coerce({ b: '0' }, plan), { b: false })
    assert.deepEqual(coerce({ b: 'yes' }, plan), { b: 'yes' })
    assert.deepEqual(coerce({ nb: '1' }, plan), { nb: 1 })
    assert.deepEqual(coerce({ nb: 'true' }, plan), { nb: true })
  })

  it('wraps a single string into an array (coercing it as an item), and coerces the items of an array', () => {
    assert.deepEqual(coerce({ list: '3' }, plan), { list: [3] })
    assert.deepEqual(coerce({ words: 'a' }, plan), { words: ['a'] })
    assert.deepEqual(coerce({ list: ['1', 'x', 2] }, plan), { list: [1, 'x', 2] })
    const unchanged = ['a', 'b']
    assert.equal(coerce({ list: unchanged }, plan).list, unchanged)
  })

  it('returns the very object when nothing changes, else a copy, never touching the input', () => {
    const same = { n: 5, other: 'x' }
    assert.equal(coerce(same, plan), same)
    assert.equal(coerce({}, plan).n, undefined)
    assert.ok(!('n' in coerce({ other: '1' }, plan)), 'an absent key stays absent')
    const input = { n: '7', other: 'x' }
    const out = coerce(input, plan)
    assert.deepEqual(out, { n: 7, other: 'x' })
    assert.deepEqual(input, { n: '7', other: 'x' })
  })

  it('keeps a null prototype, and __proto__ a plain key, in the copy', () => {
    const input = Object.assign(Object.create(null) as Record<string, unknown>, { n: '1' })
    Object.defineProperty(input, '__proto__', { value: 'x', enumerable: true, writable: true, configurable: true })
    const out = coerce(input, plan)
    assert.equal(Object.getPrototypeOf(out), null)
    assert.equal(out.n, 1)
    assert.ok(Object.hasOwn(out, '__proto__'))
    assert.equal(out.__proto__, 'x')
  })
})
