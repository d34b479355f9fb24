/**
 * @module destination — the default transport's stream: forwards lines to the destination (stdout) without
 * ever blocking, keeps at most `maxBufferedLines` waiting for a slow destination (dropping and counting the
 * rest), and says when every line handed to it has been written.
 *
 * Why: on POSIX, writes to a pipe or socket stdout are asynchronous and Node buffers them without a bound
 * (`writableLength` grows); `process.exit()` drops what is still buffered. This stream bounds that buffer
 * and lets the plugin's onClose wait until it is empty.
 */
import { Writable } from 'node:stream'

/** A Writable in front of `destination`: counts lines waiting in it, drops lines past `max`. */
export class BoundedLines extends Writable {
  readonly #destination: NodeJS.WritableStream
  readonly #max: number
  #pending = 0
  #dropped = 0
  #failed = 0
  #idle: Array<() => void> = []

  constructor(destination: NodeJS.WritableStream, max: number) {
    super({ decodeStrings: false })
    this.#destination = destination
    this.#max = max
  }

  /** Lines handed to the destination and not written yet. */
  get pending(): number {
    return this.#pending
  }

  /** Lines dropped so far because `max` lines were already waiting (or the destination failed). */
  get dropped(): number {
    return this.#dropped + this.#failed
  }

  /** Forwards one line now (or drops it); never waits, so winston never buffers in front of it. */
  override _write(chunk: string | Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.send(chunk)
    callback()
  }

  /** Writes `chunk` to the destination unless `max` lines already wait; false when dropped. */
  send(chunk: string | Buffer): boolean {
    if (this.#pending >= this.#max) {
      this.#dropped++
      return false
    }
    this.#pending++
    try {
      this.#destination.write(chunk, (error) => this.#written(error))
    } catch {
      this.#written(new Error('destination write threw'))
    }
    return true
  }

  #written(error: Error | null | undefined): void {
    if (error) this.#failed++
    this.#pending--
    if (this.#pending === 0) for (const resolve of this.#idle.splice(0)) resolve()
  }

  /** Resolves once every line handed over so far has been written (or failed). */
  flushed(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve()
    return new Promise((resolve) => this.#idle.push(resolve))
  }
}
