/**
 * @module destination — the default transport's stream: forwards lines to the destination (stdout) without
 * ever blocking, keeps at most `maxBufferedLines` waiting for a slow destination (dropping and counting the
 * rest), and says when every line handed to it has been written.
 *
 * Why: on POSIX, writes to a pipe or socket stdout are asynchronous and Node buffers them without a bound
 * (`writableLength` grows); `process.exit()` drops what is still buffered. This stream bounds that buffer
 * and lets the plugin's onClose wait until it is empty; under load, lines leave in batches.
 */
import { Writable } from 'node:stream'

/**
 * A Writable in front of `destination`: a line goes straight to the destination when nothing is in flight;
 * while a write is in flight, the lines that arrive meanwhile are joined and leave in one `write()` when it
 * completes (group commit: one syscall and one callback per batch under load, no timer, no added latency when
 * idle). Counts the lines waiting, drops lines past `max`.
 */
export class BoundedLines extends Writable {
  readonly #destination: NodeJS.WritableStream
  readonly #max: number
  /** Lines in the destination's hands, not confirmed written. */
  #inFlight = 0
  #dropped = 0
  #failed = 0
  #idle: Array<() => void> = []
  #batch = ''
  #batchLines = 0

  constructor(destination: NodeJS.WritableStream, max: number) {
    super({ decodeStrings: false })
    this.#destination = destination
    this.#max = max
  }

  /** Lines handed over and not written yet (in flight or waiting to be joined). */
  get pending(): number {
    return this.#inFlight + this.#batchLines
  }

  /** Lines dropped so far because `max` lines were already waiting (or the destination failed). */
  get dropped(): number {
    return this.#dropped + this.#failed
  }

  /** Takes one line now (or drops it); never waits, so winston never buffers in front of it. */
  override _write(chunk: string | Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.send(chunk)
    callback()
  }

  /** Writes `chunk` (or joins it to the batch while a write is in flight) unless `max` lines wait; false when dropped. */
  send(chunk: string | Buffer): boolean {
    if (this.pending >= this.#max) {
      this.#dropped++
      return false
    }
    if (this.#inFlight > 0) {
      this.#batch += typeof chunk === 'string' ? chunk : chunk.toString('utf8')
      this.#batchLines++
    } else this.#write(chunk, 1)
    return true
  }

  #write(chunk: string | Buffer, lines: number): void {
    this.#inFlight += lines
    try {
      this.#destination.write(chunk, (error) => this.#written(lines, error))
    } catch {
      this.#written(lines, new Error('destination write threw'))
    }
  }

  #written(lines: number, error: Error | null | undefined): void {
    if (error) this.#failed += lines
    this.#inFlight -= lines
    if (this.#inFlight === 0 && this.#batchLines > 0) {
      const batch = this.#batch
      const count = this.#batchLines
      this.#batch = ''
      this.#batchLines = 0
      this.#write(batch, count)
      return
    }
    if (this.pending === 0) for (const resolve of this.#idle.splice(0)) resolve()
  }

  /** Resolves once every line handed over so far has been written (or failed). */
  flushed(): Promise<void> {
    if (this.pending === 0) return Promise.resolve()
    return new Promise((resolve) => this.#idle.push(resolve))
  }
}
