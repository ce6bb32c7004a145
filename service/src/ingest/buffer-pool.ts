/**
 * Reused buffers for the two large allocations of every accepted bill: the request body (read
 * into one buffer instead of Fastify's chunk list and Buffer.concat) and the decoded PDF. Each
 * bill otherwise allocated ~370 KB outside V8's heap per 100 KiB PDF, and V8 starts a full GC
 * every time that external memory grows by 64 MB: every few hundred bills, at 0.6-0.9 ms of CPU
 * per bill (scripts/verify/bench/cuts/threads.ts).
 *
 * Buffers come in power-of-two classes from 64 KiB to 4 MiB; larger requests get a plain
 * allocation that is never pooled. A buffer goes back only through give(), once, by the code that
 * owns it, when nothing can read or write it any more: a buffer given twice, or one this pool did
 * not hand out, is ignored, so a mistake costs an allocation, never a shared buffer.
 */

const MIN_CLASS = 16; // 64 KiB
const MAX_CLASS = 22; // 4 MiB

export class BufferPool {
  readonly #free = new Map<number, ArrayBuffer[]>();
  /** The backing buffers handed out and not yet given back. */
  readonly #out = new WeakSet<ArrayBuffer>();
  readonly #maxRetainedBytes: number;
  #retained = 0;

  /** maxRetainedBytes: free buffers kept across all classes; beyond it, given buffers are dropped. */
  constructor(maxRetainedBytes: number) {
    this.#maxRetainedBytes = maxRetainedBytes;
  }

  /** size bytes, contents undefined (the caller writes every byte it reads back). */
  take(size: number): Buffer {
    const cls = Math.max(MIN_CLASS, Math.ceil(Math.log2(Math.max(1, size))));
    if (cls > MAX_CLASS) return Buffer.allocUnsafeSlow(size);
    let ab = this.#free.get(cls)?.pop();
    if (ab) this.#retained -= ab.byteLength;
    else ab = new ArrayBuffer(2 ** cls);
    this.#out.add(ab);
    return Buffer.from(ab, 0, size);
  }

  /** Returns buf's memory for reuse: the caller promises that nothing reads or writes buf from now on. */
  give(buf: Uint8Array): void {
    const ab = buf.buffer as ArrayBuffer;
    if (!this.#out.delete(ab)) return;
    if (this.#retained + ab.byteLength > this.#maxRetainedBytes) return;
    const cls = Math.log2(ab.byteLength);
    let list = this.#free.get(cls);
    if (!list) {
      list = [];
      this.#free.set(cls, list);
    }
    list.push(ab);
    this.#retained += ab.byteLength;
  }

  /** Free bytes held for reuse (tests). */
  get retainedBytes(): number {
    return this.#retained;
  }
}

/** Shared by the JSON parser (bodies) and the ingest service (decoded PDFs) of one process. */
export const ingestBuffers = new BufferPool(16 * 1024 * 1024);
