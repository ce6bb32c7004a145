/** ingest/buffer-pool.ts: reuse only what was handed out and given back once; a cap on what is kept. */
import t from "tap";
import { BufferPool } from "../../src/ingest/buffer-pool.ts";

t.test("a buffer given back is the next one of its size class", async (t) => {
  const pool = new BufferPool(1 << 20);
  const a = pool.take(100_000);
  t.equal(a.length, 100_000);
  t.equal(a.buffer.byteLength, 128 * 1024, "128 KiB class");
  pool.give(a);
  t.equal(pool.retainedBytes, 128 * 1024);
  const b = pool.take(70_000);
  t.equal(b.buffer, a.buffer, "the same memory");
  t.equal(b.length, 70_000);
  t.equal(pool.retainedBytes, 0);
  const c = pool.take(70_000);
  t.not(c.buffer, a.buffer, "while b is out, another one");
});

t.test("giving twice, or a buffer the pool did not hand out, keeps nothing", async (t) => {
  const pool = new BufferPool(1 << 20);
  const a = pool.take(10);
  pool.give(a);
  pool.give(a);
  t.equal(pool.retainedBytes, 64 * 1024, "once");
  const b = pool.take(10);
  const c = pool.take(10);
  t.not(b.buffer, c.buffer, "two takers never share memory");
  pool.give(Buffer.alloc(64 * 1024));
  pool.give(new Uint8Array(10));
  t.equal(pool.retainedBytes, 0);
});

t.test("sizes above 4 MiB are never pooled, and the cap bounds what is kept", async (t) => {
  const pool = new BufferPool(256 * 1024);
  const big = pool.take(5 * 1024 * 1024);
  pool.give(big);
  t.equal(pool.retainedBytes, 0);
  const bufs = [pool.take(100_000), pool.take(100_000), pool.take(100_000)];
  for (const b of bufs) pool.give(b);
  t.equal(pool.retainedBytes, 256 * 1024, "two of 128 KiB kept, the third dropped");
});
