/**
 * Console sessions in Redis (@fastify/session's store contract), so every ingest instance behind
 * the ALB sees the same sessions and a signed-out session is gone everywhere at once. Each entry
 * expires with the session (SET PX): nothing to sweep. Keys hold a SHA-256 of the session id, so a
 * Redis dump does not hand out usable session ids.
 */
import { createHash } from "node:crypto";
import type { Session } from "fastify";
import type { Redis } from "ioredis";

type Done = (err?: unknown) => void;
type Found = (err: unknown, session?: Session | null) => void;

export class RedisSessionStore {
  readonly #redis: Redis;
  readonly #ttlMs: number;

  constructor(redis: Redis, ttlMs: number) {
    this.#redis = redis;
    this.#ttlMs = ttlMs;
  }

  #key(sessionId: string): string {
    return `console:session:${createHash("sha256").update(sessionId).digest("hex")}`;
  }

  set(sessionId: string, session: Session, done: Done): void {
    // Never longer than the session's own expiry, which sign-in fixes (no sliding renewal).
    const expires = session.cookie?.expires ? new Date(session.cookie.expires).getTime() : Date.now() + this.#ttlMs;
    const ttl = Math.max(1, Math.min(this.#ttlMs, expires - Date.now()));
    this.#redis.set(this.#key(sessionId), JSON.stringify(session), "PX", ttl).then(() => done(), done);
  }

  get(sessionId: string, done: Found): void {
    this.#redis.get(this.#key(sessionId)).then(
      (json) => done(null, json ? (JSON.parse(json) as Session) : null),
      (err) => done(err),
    );
  }

  destroy(sessionId: string, done: Done): void {
    this.#redis.del(this.#key(sessionId)).then(() => done(), done);
  }
}
