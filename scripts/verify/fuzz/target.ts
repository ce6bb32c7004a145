/**
 * The fuzz target: the real service app plugin on a loopback port, with its own database, Redis
 * prefix, buckets and queue (lib/testing/harness.ts), and a record of every answer it gave. After a
 * run, leftovers() compares what is stored (objects, rows, messages) with the 2xx answers: anything
 * stored that no 2xx answer accounts for was left behind by a rejected request.
 */
import { createHash } from "node:crypto";
import { ListObjectVersionsCommand } from "@aws-sdk/client-s3";
import Fastify, { type FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { z } from "zod";
import type { Env } from "../../../lib/config.ts";
import { loadServiceConfig } from "../../../lib/config.ts";
import { sql } from "../../../lib/db.ts";
import { queueDepth } from "../../../lib/queue.ts";
import { setupTestEnv, type TestEnv } from "../../../lib/testing/harness.ts";
import app from "../../../service/src/app.ts";
import { serverOptions } from "../../../service/src/server-options.ts";

export const FUZZ_API_KEY = "fuzz-key-0123456789abcdef0123456789abcdef";
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

/** Limits raised so generated cases reach validation instead of 429/503 (hostile tests cover those). */
const FUZZ_ENV: Env = {
  API_KEYS: JSON.stringify([{ name: "fuzz", sha256: sha(FUZZ_API_KEY) }]),
  RATE_LIMIT_PER_MINUTE: "100000000",
  AUTH_FAILURE_LIMIT_PER_MINUTE: "100000000",
  PRESSURE_MAX_EVENT_LOOP_DELAY_MS: "0",
  PRESSURE_MAX_EVENT_LOOP_UTILIZATION: "1",
  MAX_PDF_BYTES: String(1024 * 1024),
  HOST: "127.0.0.1",
  PORT: "3000",
};

export interface Answers {
  /** "run METHOD /route status [code]" -> count; run is the x-fuzz-run header ("-" without it). */
  readonly byRoute: Map<string, number>;
  /** transactionIds handed out by 200/202 answers of the ingest routes. */
  readonly accepted: Set<string>;
  /** 202 answers (a new bill was stored). */
  created: number;
}

export interface FuzzTarget {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly env: TestEnv;
  readonly answers: Answers;
  close(): Promise<void>;
}

interface Teardowns {
  teardown(fn: () => unknown): void;
}

export async function startFuzzTarget(t?: Teardowns, overrides: Env = {}): Promise<FuzzTarget> {
  const own: (() => unknown)[] = [];
  const td: Teardowns = t ?? { teardown: (fn) => own.push(fn) };
  const env = await setupTestEnv(td, { ...FUZZ_ENV, ...overrides });
  const config = loadServiceConfig({ ...env.env, ...FUZZ_ENV, ...overrides });
  const answers: Answers = { byRoute: new Map(), accepted: new Set(), created: 0 };
  const instance = Fastify(serverOptions(config));

  // Registered before the app plugin so it sees every answer, errors and 404s included.
  instance.addHook("onSend", async (req, reply, payload) => {
    const run = typeof req.headers["x-fuzz-run"] === "string" ? req.headers["x-fuzz-run"] : "-";
    let route = `${run} ${req.method} ${req.routeOptions.url ?? "(unrouted)"} ${reply.statusCode}`;
    if (reply.statusCode >= 400 && typeof payload === "string" && payload.startsWith("{")) {
      route += ` ${(JSON.parse(payload) as { code?: string }).code ?? ""}`;
    }
    answers.byRoute.set(route, (answers.byRoute.get(route) ?? 0) + 1);
    if (req.routeOptions.config.ingest && (reply.statusCode === 200 || reply.statusCode === 202)) {
      const id = (JSON.parse(String(payload)) as { transactionId?: string }).transactionId;
      if (id) answers.accepted.add(id);
      if (reply.statusCode === 202) answers.created++;
    }
    return payload;
  });
  await instance.register(fp(app), { config });
  await instance.listen({ host: "127.0.0.1", port: 0 });
  const address = instance.server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await instance.close();
    for (const fn of own.reverse()) await fn();
  };
  td.teardown(close);
  return { url: `http://127.0.0.1:${port}`, app: instance, env, answers, close };
}

export interface Leftovers {
  readonly rows: number;
  readonly objects: number;
  readonly objectVersions: number;
  readonly messages: number;
  readonly dlqMessages: number;
  readonly accepted: number;
  readonly created: number;
  /** Human-readable problems; empty when every stored thing is accounted for by a 2xx answer. */
  readonly problems: string[];
}

async function queueCount(target: FuzzTarget, url: string): Promise<number> {
  return (await queueDepth(target.env.sqs, url)).total;
}

async function allObjectVersions(target: FuzzTarget): Promise<{ key: string }[]> {
  const out: { key: string }[] = [];
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  for (;;) {
    const page = await target.env.s3.send(
      new ListObjectVersionsCommand({
        Bucket: target.env.incomingBucket,
        KeyMarker: keyMarker,
        VersionIdMarker: versionMarker,
      }),
    );
    for (const v of page.Versions ?? []) out.push({ key: v.Key ?? "" });
    if (!page.IsTruncated) return out;
    keyMarker = page.NextKeyMarker;
    versionMarker = page.NextVersionIdMarker;
  }
}

/**
 * Rows, objects and messages against the 2xx answers: every row was handed out by a 2xx, every new
 * bill (202) has exactly one row, one object and one message, and no object belongs to no row.
 */
export async function leftovers(target: FuzzTarget): Promise<Leftovers> {
  const rows = await target.app.db.any(
    sql.type(z.object({ id: z.string(), s3_key: z.string() }))`SELECT id, s3_key FROM transactions`,
  );
  const versions = await allObjectVersions(target);
  const keys = new Set(versions.map((v) => v.key));
  const rowKeys = new Set(rows.map((r) => r.s3_key));
  const messages = await queueCount(target, target.env.queueUrl);
  const dlqMessages = await queueCount(target, target.env.dlqUrl);
  const { accepted, created } = target.answers;
  const problems: string[] = [];
  const unanswered = rows.filter((r) => !accepted.has(r.id));
  if (unanswered.length > 0) problems.push(`${unanswered.length} rows no 2xx answer handed out`);
  if (rows.length !== accepted.size) problems.push(`${rows.length} rows for ${accepted.size} accepted transactions`);
  if (rows.length !== created) problems.push(`${rows.length} rows for ${created} 202 answers`);
  const orphans = [...keys].filter((k) => !rowKeys.has(k));
  if (orphans.length > 0) problems.push(`${orphans.length} objects belong to no row (e.g. ${orphans[0]})`);
  if (keys.size !== rows.length) problems.push(`${keys.size} objects for ${rows.length} rows`);
  if (messages !== rows.length) problems.push(`${messages} queue messages for ${rows.length} rows`);
  if (dlqMessages !== 0) problems.push(`${dlqMessages} messages in the DLQ`);
  return {
    rows: rows.length,
    objects: keys.size,
    objectVersions: versions.length,
    messages,
    dlqMessages,
    accepted: accepted.size,
    created,
    problems,
  };
}
