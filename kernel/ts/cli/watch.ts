/**
 * @module cli/watch — the file watcher of `vectora dev`: watches folders (or files); in folders only source files
 * count (by extension) and ignored or dot-named folders are skipped; bursts (an editor's save, a build) are merged
 * into one call.
 *
 * On Linux every folder gets its own (non-recursive) node:fs watch, added as folders appear: Node 20's recursive
 * mode there watches files one by one and loses a file an editor replaces (write to a temp file, rename over),
 * so the second save of it would go unseen. macOS and Windows watch recursively natively.
 */
import { readdirSync, statSync, watch, type FSWatcher } from 'node:fs'
import { extname, join, relative, sep } from 'node:path'

/** What to watch and what to do. */
export interface WatchOptions {
  /** Absolute folders (watched recursively) or files. */
  readonly paths: readonly string[]
  /** Folder and file names whose changes are ignored wherever they are (`node_modules`, …); dot-names always are. */
  readonly ignore: ReadonlySet<string>
  /** In watched folders, only files with these extensions count (`.ts`, …); a watched file always counts. */
  readonly extensions: ReadonlySet<string>
  /** Quiet time, ms, after the last change of a burst before `onChange` runs. */
  readonly debounce: number
  /** The changed paths of a burst, in first-seen order. */
  readonly onChange: (paths: string[]) => void
}

/**
 * Starts watching; returns the function that stops.
 *
 * @example
 * const stop = watchFiles({ paths: [root], ignore: new Set(['node_modules']), extensions: new Set(['.ts']), debounce: 100, onChange: (files) => restart(files[0]) })
 */
export function watchFiles(options: WatchOptions): () => void {
  const changed = new Set<string>()
  let timer: NodeJS.Timeout | undefined
  const record = (path: string): void => {
    changed.add(path)
    clearTimeout(timer)
    timer = setTimeout(() => {
      const paths = [...changed]
      changed.clear()
      options.onChange(paths)
    }, options.debounce)
  }
  const stops = options.paths.map((path) =>
    statSync(path).isDirectory()
      ? watchFolder(path, options, (file) => {
          if (options.extensions.has(extname(file)) && !isIgnored(relative(path, file), options.ignore)) record(file)
        })
      : closer([watch(path, () => record(path))]),
  )
  return () => {
    clearTimeout(timer)
    for (const stop of stops) stop()
  }
}

/**
 * True when a path (relative to a watched folder) lies in an ignored or dot-named folder, or is such a file.
 *
 * @example
 * isIgnored('node_modules/x/index.js', new Set(['node_modules'])) // true
 */
export function isIgnored(relativePath: string, ignore: ReadonlySet<string>): boolean {
  return relativePath.split(sep).some((part) => part.startsWith('.') || ignore.has(part))
}

function watchFolder(root: string, options: WatchOptions, onFile: (file: string) => void): () => void {
  if (process.platform === 'darwin' || process.platform === 'win32') {
    return closer([watch(root, { recursive: true }, (_event, name) => name !== null && onFile(join(root, String(name))))])
  }
  const watchers = new Map<string, FSWatcher>()
  const add = (dir: string): void => {
    if (watchers.has(dir)) return
    let watcher: FSWatcher
    try {
      watcher = watch(dir, (event, name) => {
        if (name === null) return
        const path = join(dir, String(name))
        onFile(path)
        // A folder created (or moved in) gets its own watch.
        if (event === 'rename' && isFolder(path) && !isIgnored(String(name), options.ignore)) add(path)
      })
    } catch {
      return // gone already, or unreadable: nothing to watch
    }
    watcher.on('error', () => {
      watcher.close()
      watchers.delete(dir)
    })
    watchers.set(dir, watcher)
    let entries: string[]
    try {
      entries = readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && !isIgnored(entry.name, options.ignore))
        .map((entry) => join(dir, entry.name))
    } catch {
      entries = []
    }
    for (const child of entries) add(child)
  }
  add(root)
  return () => closer([...watchers.values()])()
}

function closer(watchers: FSWatcher[]): () => void {
  return () => {
    for (const watcher of watchers) watcher.close()
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}
