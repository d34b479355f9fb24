/** @module create-vectora/test/helpers — what the create-vectora suites share: the bin in a child process, folder listings. */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const BIN = fileURLToPath(new URL('../index.js', import.meta.url))
export const KERNEL = fileURLToPath(new URL('../../kernel', import.meta.url))
export const REPO = fileURLToPath(new URL('../../', import.meta.url))
export const OWN_VERSION: string = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version

export interface Run {
  status: number
  stdout: string
  stderr: string
}

/**
 * The environment of the bin: our own, without the npm_* variables of an `npm test` running us (the
 * scaffolder would pick up its package manager) and with installs skipped unless a test says otherwise.
 */
export function binEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'NODE_OPTIONS') env[key] = value
  }
  return { ...env, VECTORA_CREATE_SKIP_INSTALL: '1', ...extra }
}

/** Runs the bin with stdin closed (so never interactive) and returns its exit status and output. */
export function run(args: string[], cwd: string, env: Record<string, string> = {}): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, env: binEnv(env), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  if (result.error) throw result.error
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr }
}

/** Every file under `dir`, relative, sorted; `node_modules` and `.git` contents left out. */
export function tree(dir: string): string[] {
  const files: string[] = []
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.posix.join(rel, entry.name)
      if (entry.isDirectory()) {
        if (entry.name === '.git') files.push('.git/')
        else if (entry.name !== 'node_modules') walk(child)
      } else files.push(child)
    }
  }
  walk('')
  return files.sort()
}

/** The files a template scaffolds to (`_gitignore` as `.gitignore`), sorted. */
export function templateFiles(template: string): string[] {
  return tree(fileURLToPath(new URL(`../templates/${template}/`, import.meta.url)))
    .map((file) => file.replace(/(^|\/)_gitignore$/, '$1.gitignore'))
    .sort()
}

export interface AppPackage {
  name: string
  scripts: Record<string, string>
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}

export const readPackage = (dir: string): AppPackage => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'))

/** A fresh temporary folder, outside the repository (so neither its workspaces nor its git work tree apply). */
export function tempDir(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'create-vectora-')))
}
