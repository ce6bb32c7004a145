/**
 * One worker at a time per transaction: a Redis lock (SET NX PX) owned by a random token, renewed
 * while the worker runs and released only by its owner. A worker that dies (SIGKILL) simply stops
 * renewing, so the lock lapses about when SQS makes its message visible again.
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { RedisScript } from "./redis-script.ts";

const RENEW = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`);
const RELEASE = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

export interface TxLock {
  readonly acquired: boolean;
  /** When not acquired: ms until the other holder's lock lapses. */
  readonly heldForMs: number;
  release(): Promise<void>;
}

export async function acquireTxLock(redis: Redis, transactionId: string, ttlMs: number): Promise<TxLock> {
  const key = `tx-lock:${transactionId}`;
  const owner = randomUUID();
  const ok = await redis.set(key, owner, "PX", ttlMs, "NX");
  if (ok !== "OK") {
    const pttl = await redis.pttl(key);
    return { acquired: false, heldForMs: Math.max(pttl, 0), release: async () => {} };
  }
  const timer = setInterval(
    () => void RENEW.run(redis, [key], [owner, ttlMs]).catch(() => {}),
    Math.max(250, Math.floor(ttlMs / 3)),
  );
  timer.unref();
  return {
    acquired: true,
    heldForMs: 0,
    release: async () => {
      clearInterval(timer);
      await RELEASE.run(redis, [key], [owner]);
    },
  };
}
