/**
 * A PostgreSQL cluster of a test's own (initdb into a temporary directory, its own port), so
 * restarting it harms nobody else's tests: the chaos run (scripts/verify/chaos/) and
 * lib/test/db-rotation.test.ts. Runs as the postgres user when we are root, like
 * scripts/dev/services-up.sh. Restart = immediate stop (no checkpoint, as after a crash) and start.
 * The service and workers log in as APP_USER with a password (scram-sha-256) they read from
 * passwordFile at each new connection (DATABASE_PASSWORD_FILE); rotatePassword() changes it mid-run.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  appendFileSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

/** The login role of the service and the workers (migrations and the checker use postgres). */
export const APP_USER = "bills_app";

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
  rotations = 0;
  /** Holds APP_USER's current password, one line, rewritten atomically by rotatePassword(). */
  readonly passwordFile: string;

  constructor(port: number, logPath: string, env: Record<string, string | undefined>, passwordFile: string) {
    this.port = port;
    this.logPath = logPath;
    this.passwordFile = passwordFile;
    this.#bin = findPgBin(env);
    this.dataDir = mkdtempSync(join(tmpdir(), "chaos-pg-"));
    this.#serverLog = join(this.dataDir, "server.log");
  }

  url(database = "bills"): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** APP_USER's URL through a port of choice (the hang proxy); the password comes from passwordFile. */
  appUrl(port: number): string {
    return `postgres://${APP_USER}@127.0.0.1:${port}/bills`;
  }

  async #admin<T>(fn: (c: pg.Client) => Promise<T>, database = "bills"): Promise<T> {
    const admin = new pg.Client({ connectionString: this.url(database) });
    await admin.connect();
    try {
      return await fn(admin);
    } finally {
      await admin.end();
    }
  }

  #writePassword(password: string): void {
    const tmp = `${this.passwordFile}.tmp`;
    writeFileSync(tmp, `${password}\n`, { mode: 0o600 });
    renameSync(tmp, this.passwordFile);
  }

  /** After migrations: APP_USER gets the data grants a login role needs (no DDL, no ownership). */
  async grantApp(): Promise<void> {
    await this.#admin((c) =>
      c.query(`
        GRANT USAGE ON SCHEMA public TO ${APP_USER};
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${APP_USER};
        GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${APP_USER};
        GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO ${APP_USER};`),
    );
  }

  /**
   * A password rotation: the role's password changes, the file follows at once, and APP_USER's
   * sessions are ended so every pool must log in again with the new secret, without a restart.
   * Returns how many sessions were ended.
   */
  async rotatePassword(): Promise<number> {
    const password = randomBytes(18).toString("base64url");
    const ended = await this.#admin(async (c) => {
      await c.query(`ALTER ROLE ${APP_USER} PASSWORD '${password}'`);
      this.#writePassword(password);
      const r = await c.query(
        "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE usename = $1",
        [APP_USER],
      );
      return (r.rows[0] as { n: number }).n;
    });
    this.rotations++;
    this.#lastRotationAt = new Date();
    return ended;
  }

  #lastRotationAt: Date | null = null;

  /** Evidence a rotation took: some APP_USER session started after the last one (a fresh login). */
  async appLoggedInSinceRotation(): Promise<boolean> {
    const since = this.#lastRotationAt;
    if (!since) return false;
    const r = await this.#admin((c) =>
      c.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1 AND backend_start > $2", [
        APP_USER,
        since,
      ]),
    );
    return (r.rows[0] as { n: number }).n > 0;
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
    // First match wins: the app role must prove its password; postgres stays trusted for the harness.
    const hba = join(this.dataDir, "pg_hba.conf");
    const rules = readFileSync(hba, "utf8");
    writeFileSync(hba, `host all ${APP_USER} 127.0.0.1/32 scram-sha-256\n${rules}`);
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
    const password = randomBytes(18).toString("base64url");
    await this.#admin(async (c) => {
      await c.query("CREATE DATABASE bills");
      await c.query(`CREATE ROLE ${APP_USER} LOGIN PASSWORD '${password}'`);
    }, "postgres");
    this.#writePassword(password);
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
