/**
 * A PostgreSQL cluster of the chaos run's own (initdb into a temporary directory, its own port),
 * so restarting it harms nobody else's tests. Runs as the postgres user when we are root, like
 * scripts/dev/services-up.sh. Restart = immediate stop (no checkpoint, as after a crash) and start.
 */
import { execFile } from "node:child_process";
import { appendFileSync, chownSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

function findPgBin(env: Record<string, string | undefined>): string {
  if (env.PG_BIN && existsSync(join(env.PG_BIN, "pg_ctl"))) return env.PG_BIN;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, "bin", "pg_ctl")))
        .sort((a, b) => Number(a) - Number(b))
    : [];
  const last = versions.at(-1);
  if (!last)
    throw new Error("pg_ctl not found (set PG_BIN or run scripts/dev/services-up.sh, which installs PostgreSQL)");
  return join(root, last, "bin");
}

async function pgUser(): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null;
  const uid = Number((await run("id", ["-u", "postgres"])).stdout.trim());
  const gid = Number((await run("id", ["-g", "postgres"])).stdout.trim());
  return { uid, gid };
}

export class ChaosPostgres {
  readonly port: number;
  readonly dataDir: string;
  /** Where the server log ends up (the run's folder); copied there by destroy(). */
  readonly logPath: string;
  /**
   * Where the server writes it meanwhile: inside its data directory, which the postgres user owns,
   * because the run's folder may sit in a checkout that user cannot enter (a 0700 `mktemp -d`).
   */
  readonly #serverLog: string;
  readonly #bin: string;
  #owner: { uid: number; gid: number } | null = null;
  restarts = 0;

  constructor(port: number, logPath: string, env: Record<string, string | undefined>) {
    this.port = port;
    this.logPath = logPath;
    this.#bin = findPgBin(env);
    this.dataDir = mkdtempSync(join(tmpdir(), "chaos-pg-"));
    this.#serverLog = join(this.dataDir, "server.log");
  }

  url(database = "bills"): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async #pg(tool: string, args: string[]): Promise<void> {
    const bin = join(this.#bin, tool);
    if (this.#owner) await run("runuser", ["-u", "postgres", "--", bin, ...args]);
    else await run(bin, args);
  }

  async init(): Promise<void> {
    this.#owner = await pgUser();
    if (this.#owner) chownSync(this.dataDir, this.#owner.uid, this.#owner.gid);
    await this.#pg("initdb", ["-D", this.dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8"]);
    appendFileSync(
      join(this.dataDir, "postgresql.conf"),
      [
        "listen_addresses = '127.0.0.1'",
        `port = ${this.port}`,
        `unix_socket_directories = '${this.dataDir}'`,
        // A restart here is a process crash, not a power cut: the OS keeps what was written, so
        // fsync can be off. synchronous_commit must stay on, or a crash loses commits the service
        // already answered 202 for (RDS runs with it on).
        "fsync = off",
        "synchronous_commit = on",
        "max_connections = 200",
        "",
      ].join("\n"),
    );
    await this.start();
    const admin = new pg.Client({ connectionString: this.url("postgres") });
    await admin.connect();
    try {
      await admin.query("CREATE DATABASE bills");
    } finally {
      await admin.end();
    }
  }

  async start(): Promise<void> {
    await this.#pg("pg_ctl", ["-D", this.dataDir, "-l", this.#serverLog, "-w", "-t", "60", "start"]);
  }

  /** Immediate stop: every backend is killed, recovery runs at the next start (a crash, in effect). */
  async stop(mode: "immediate" | "fast" = "immediate"): Promise<void> {
    await this.#pg("pg_ctl", ["-D", this.dataDir, "-m", mode, "-w", "-t", "60", "stop"]);
  }

  async restart(downMs: number): Promise<void> {
    await this.stop("immediate");
    this.restarts++;
    await new Promise((r) => setTimeout(r, downMs));
    await this.start();
  }

  async destroy(): Promise<void> {
    await this.stop("fast").catch(() => this.stop("immediate").catch(() => {}));
    if (existsSync(this.#serverLog)) copyFileSync(this.#serverLog, this.logPath);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
