/**
 * Memory-leak drill (`npm run drill:leak`): proves runbooks/memory-leak.md works as written.
 *
 * 1. An isolated local environment (own database, Redis prefix, queue; lib/testing/harness.ts).
 * 2. The real service (`service/src/server.ts`) started the way the systemd unit starts it
 *    (NODE_OPTIONS=--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=...), plus the leak preloaded
 *    with `--import ./scripts/verify/leak-drill/leak.ts`.
 * 3. Load, the runbook's own "snapshot" block (extracted from the markdown and run with bash),
 *    more load, the same block again, then the runbook's "compare" block.
 * 4. Passes when the comparison shows LeakDrillRequestRecord grown by about the number of
 *    requests sent between the snapshots, and the service survived both signals.
 *
 * Needs the local stand-ins (`npm run local` or `npm test` starts them) and the settings in
 * .local/env.sh exported. Takes about half a minute.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { runner } from "node-pg-migrate";
import { setupTestEnv } from "../../../lib/testing/harness.ts";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const RUNBOOK = join(ROOT, "runbooks/memory-leak.md");
const LEAKY = "LeakDrillRequestRecord";
const BETWEEN = 4000;

/** The bash block that follows `<!-- drill: <name> -->` in the runbook. */
export function drillBlock(markdown: string, name: string): string {
  const m = markdown.match(new RegExp(`<!-- drill: ${name} -->\\s*\`\`\`bash\\n([\\s\\S]*?)\`\`\``));
  if (!m?.[1]) throw new Error(`runbook has no "drill: ${name}" bash block`);
  return m[1];
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

async function load(base: string, count: number, concurrency = 16): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) {
        const res = await fetch(`${base}/health/live`);
        await res.arrayBuffer();
      }
    }),
  );
}

/** Runs a runbook block with bash; `sudo` becomes a pass-through when the drill runs without it. */
async function runBlock(block: string, env: Record<string, string>): Promise<string> {
  // As pasted into an interactive shell: no errexit (an empty `ls` is normal before the first file).
  const script = `command -v sudo >/dev/null || sudo() { "$@"; }\n${block}`;
  const { stdout } = await promisify(execFile)("bash", ["-c", script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

async function migrate(databaseUrl: string): Promise<void> {
  await runner({
    databaseUrl,
    dir: join(ROOT, "migrations"),
    direction: "up",
    migrationsTable: "pgmigrations",
    checkOrder: false,
    log: () => {},
    ignorePattern: "(\\..*)|(.*\\.md)",
  });
}

/** The real service with the leak preloaded, started the way the systemd unit starts it. */
function spawnLeakyService(env: Record<string, string | undefined>, port: number, diagDir: string) {
  const key = "leak-drill-key-0123456789abcdef";
  return spawn(process.execPath, ["--import", "./scripts/verify/leak-drill/leak.ts", "service/src/server.ts"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...env,
      LOG_LEVEL: "warn",
      HOST: "127.0.0.1",
      PORT: String(port),
      API_KEYS: JSON.stringify([{ name: "drill", sha256: createHash("sha256").update(key).digest("hex") }]),
      NODE_OPTIONS: `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${diagDir}`,
    },
  });
}

const isLive = (base: string) =>
  fetch(`${base}/health/live`).then(
    (r) => r.ok,
    () => false,
  );

async function waitLive(base: string): Promise<void> {
  for (let i = 0; ; i++) {
    if (i > 100) throw new Error("service did not become live in 20 s");
    if (await isLive(base)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A snapshot stops the event loop for a moment, so load shedding (under-pressure) may answer
 * 503 just after it; the service must be answering again within a few seconds.
 */
async function waitAnsweringAgain(base: string): Promise<void> {
  let alive = false;
  for (const until = Date.now() + 10_000; !alive && Date.now() < until; ) {
    alive = await isLive(base);
    if (!alive) await new Promise((r) => setTimeout(r, 250));
  }
  if (!alive) throw new Error("the service stopped answering after the snapshots");
}

/** Runs the runbook's snapshot block against the service; fails if it printed no file or killed the service. */
function snapshotTaker(
  snapshot: string,
  vars: Record<string, string>,
  child: ChildProcess,
  exited: Promise<string>,
  log: (s: string) => void,
) {
  return async (label: string): Promise<string> => {
    const out = await runBlock(snapshot, vars);
    const path = out.match(/snapshot: (.+\.heapsnapshot)/)?.[1];
    if (!path) throw new Error(`${label}: the runbook's snapshot block printed no file:\n${out}`);
    if (child.exitCode !== null) throw new Error(`${label}: ${await exited} on SIGUSR2`);
    log(`${label}: ${path}`);
    return path;
  };
}

/** The runbook's compare block on the two snapshots; the leaky class must have grown by ~BETWEEN objects. */
async function compareSnapshots(compare: string, snap1: string, snap2: string, log: (s: string) => void) {
  const comparison = await runBlock(compare, { SNAP1: snap1, SNAP2: snap2 });
  log(`\n$ ${compare.trim()}\n${comparison}`);
  const row = comparison.split("\n").find((l) => l.startsWith(LEAKY));
  const countDelta = Number(row?.trim().split(/\s+/)[3] ?? Number.NaN);
  if (!(countDelta >= BETWEEN * 0.95)) {
    throw new Error(`${LEAKY} did not grow by ~${BETWEEN} (got ${countDelta}): the drill failed`);
  }
  log(`${LEAKY} grew by ${countDelta} objects for ${BETWEEN} requests: the leak is found by the runbook's commands.`);
  return countDelta;
}

export async function drill(log = console.log): Promise<{ countDelta: number; sent: number }> {
  const teardowns: (() => unknown)[] = [];
  const env = await setupTestEnv({ teardown: (fn) => teardowns.push(fn) });
  const diagDir = await mkdtemp(join(tmpdir(), "leak-drill-"));
  let child: ChildProcess | undefined;
  try {
    await migrate(env.databaseUrl);
    const port = await freePort();
    const service = spawnLeakyService(env.env, port, diagDir);
    child = service;
    const exited = new Promise<string>((resolve) =>
      service.once("exit", (code, signal) => resolve(`service exited (code ${code}, signal ${signal})`)),
    );
    const base = `http://127.0.0.1:${port}`;
    await waitLive(base);
    log(`service up on ${base} (pid ${service.pid}), leak preloaded; snapshots go to ${diagDir}`);

    const markdown = await readFile(RUNBOOK, "utf8");
    const vars = { PID: String(service.pid), DIAG_DIR: diagDir, UNIT: "bill-mw-service" };
    const snapshot = drillBlock(markdown, "snapshot");
    const compare = drillBlock(markdown, "compare");
    const take = snapshotTaker(snapshot, vars, service, exited, log);
    await load(base, 1000);
    const snap1 = await take("snapshot 1");
    await load(base, BETWEEN);
    log(`sent ${BETWEEN} requests between the snapshots`);
    const snap2 = await take("snapshot 2");
    await waitAnsweringAgain(base);
    const countDelta = await compareSnapshots(compare, snap1, snap2, log);
    return { countDelta, sent: BETWEEN };
  } finally {
    if (child && child.exitCode === null) child.kill("SIGTERM");
    await rm(diagDir, { recursive: true, force: true });
    for (const fn of teardowns.reverse()) await fn();
  }
}

if (import.meta.main) {
  try {
    await drill();
  } catch (err) {
    console.error(`leak drill FAILED: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
