/**
 * @module plugins/static/test/request-path — the first of the traversal defences on its own: which decoded paths
 * name a file, decided on the string before any file system call. (Through HTTP the later ones — the dotfiles policy,
 * the root prefix check, realpath — would hide a hole here; traversal.test.ts covers the whole chain.)
 */
import assert from 'node:assert/strict'
import { parseRequestPath } from '../src/request-path.js'

describe('@vectora/static: request paths', () => {
  const outside = ['..', '../secret', 'a/..', 'a/../b', '.', './a', 'a/./b', 'a//b', '/etc/passwd', '/', '//', '..\\secret', 'a\\b', '\\', 'a/b/../../..']
  for (const path of outside) {
    it(`refuses ${JSON.stringify(path)} as naming nothing under the root`, () => {
      assert.deepEqual(parseRequestPath(path), { kind: 'outside' })
    })
  }

  for (const path of ['\0', 'a\0.html', 'a/\0/../b', '..\0']) {
    it(`refuses ${JSON.stringify(path)} as invalid (NUL)`, () => {
      assert.deepEqual(parseRequestPath(path), { kind: 'invalid' })
    })
  }

  it('splits canonical paths, says whether a folder is asked for and whether a segment is dotted', () => {
    assert.deepEqual(parseRequestPath(''), { kind: 'path', segments: [], folder: true, dotted: false })
    assert.deepEqual(parseRequestPath('a/b.txt'), { kind: 'path', segments: ['a', 'b.txt'], folder: false, dotted: false })
    assert.deepEqual(parseRequestPath('docs/'), { kind: 'path', segments: ['docs'], folder: true, dotted: false })
    assert.deepEqual(parseRequestPath('.well-known/x'), { kind: 'path', segments: ['.well-known', 'x'], folder: false, dotted: true })
    assert.deepEqual(parseRequestPath('a/.env'), { kind: 'path', segments: ['a', '.env'], folder: false, dotted: true })
    assert.deepEqual(parseRequestPath('...'), { kind: 'path', segments: ['...'], folder: false, dotted: true })
    assert.deepEqual(parseRequestPath('%2e%2e/x'), { kind: 'path', segments: ['%2e%2e', 'x'], folder: false, dotted: false })
  })
})
