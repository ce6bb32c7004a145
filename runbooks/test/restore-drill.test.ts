/**
 * runbooks/restore.md, tried on a throwaway PostgreSQL: a base backup plus archived WAL, replayed
 * to a point in time on a new cluster, which is then verified. Same mechanism as RDS point-in-time
 * restore (daily snapshot + WAL archived every 5 minutes), done by hand: an accidental DELETE after
 * the target time must not be in the restored copy, everything committed before it must be.
 */
import { execFile } from "node:child_process";
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import t from "tap";

const run = promisify(execFile);

function pgBin(): string {
  const env = process.env.PG_BIN;
  if (env && existsSync(join(env, "pg_ctl"))) return env;
  const root = "/usr/lib/postgresql";
  const last = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "pg_ctl")))
    .sort((a, b) => Number(a) - Number(b))
    .at(-1);
  if (!last) throw new Error("pg_ctl not found (set PG_BIN)");
  return join(root, last, "bin");
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/** Runs a PostgreSQL tool as the postgres user when we are root (initdb refuses root). */
async function tool(name: string, args: string[]): Promise<string> {
  const bin = join(pgBin(), name);
  const asRoot = process.getuid?.() === 0;
  const out = asRoot ? await run("runuser", ["-u", "postgres", "--", bin, ...args]) : await run(bin, args);
  return out.stdout;
}

async function sql(port: number, text: string): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await c.connect();
  try {
    return await c.query(text);
  } finally {
    await c.end();
  }
}

/** Starts a cluster; on failure the error carries the end of its server log. */
async function start(dir: string): Promise<void> {
  const log = join(dir, "server.log");
  try {
    await tool("pg_ctl", ["-D", dir, "-l", log, "-w", "-t", "60", "start"]);
  } catch (err) {
    const tail = existsSync(log) ? readFileSync(log, "utf8").slice(-1500) : "(no log)";
    throw new Error(`${(err as Error).message}\n${tail}`);
  }
}

const conf = (dir: string, lines: string[]) => appendFileSync(join(dir, "postgresql.conf"), `${lines.join("\n")}\n`);

t.test("base backup + WAL replay to a time: the restored copy stops just before the accident", async (t) => {
  t.setTimeout(120_000);
  const work = mkdtempSync(join(tmpdir(), "restore-drill-"));
  if (process.getuid?.() === 0) {
    const [uid, gid] = await Promise.all([run("id", ["-u", "postgres"]), run("id", ["-g", "postgres"])]);
    chownSync(work, Number(uid.stdout), Number(gid.stdout));
  }
  const [primaryDir, backupDir, restoredDir, archive] = ["primary", "backup", "restored", "wal-archive"].map((d) =>
    join(work, d),
  ) as [string, string, string, string];
  const [primaryPort, restoredPort] = [await freePort(), await freePort()];
  const started: string[] = [];
  t.teardown(async () => {
    for (const dir of started) await tool("pg_ctl", ["-D", dir, "-m", "immediate", "stop"]).catch(() => {});
    rmSync(work, { recursive: true, force: true });
  });

  // The primary archives every WAL segment, as RDS does to S3.
  await tool("initdb", ["-D", primaryDir, "-U", "postgres", "--auth=trust"]);
  await run("runuser", ["-u", "postgres", "--", "mkdir", archive]).catch(() => run("mkdir", [archive]));
  conf(primaryDir, [
    `port = ${primaryPort}`,
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${primaryDir}'`,
    "wal_level = replica",
    "archive_mode = on",
    `archive_command = 'cp %p ${archive}/%f'`,
  ]);
  await start(primaryDir);
  started.push(primaryDir);
  await sql(
    primaryPort,
    "CREATE TABLE bills (id int PRIMARY KEY, note text); INSERT INTO bills VALUES (1, 'before the backup')",
  );

  // The nightly snapshot.
  await tool("pg_basebackup", [
    "-D",
    backupDir,
    "-h",
    "127.0.0.1",
    "-p",
    String(primaryPort),
    "-U",
    "postgres",
    "-c",
    "fast",
  ]);

  await sql(primaryPort, "INSERT INTO bills VALUES (2, 'after the backup, before the target')");
  const target = (await sql(primaryPort, "SELECT clock_timestamp() AS at")).rows[0].at as Date;
  await new Promise((r) => setTimeout(r, 1_100));
  // The accident the restore undoes, then more writes that are lost with it.
  await sql(primaryPort, "DELETE FROM bills; INSERT INTO bills VALUES (3, 'after the target')");
  const wal = (await sql(primaryPort, "SELECT pg_walfile_name(pg_switch_wal()) AS f")).rows[0].f as string;
  for (let i = 0; i < 100; i++) {
    const archived = (await sql(primaryPort, "SELECT last_archived_wal FROM pg_stat_archiver")).rows[0]
      .last_archived_wal;
    if (archived && archived >= wal) break;
    await new Promise((r) => setTimeout(r, 100));
  }

  // A new cluster from the backup, replaying archived WAL up to the target, then promoted.
  await run("cp", ["-a", backupDir, restoredDir]);
  conf(restoredDir, [
    `port = ${restoredPort}`,
    `unix_socket_directories = '${restoredDir}'`,
    "archive_mode = off",
    `restore_command = 'cp ${archive}/%f %p'`,
    `recovery_target_time = '${target.toISOString().replace("T", " ").replace("Z", "+00")}'`,
    "recovery_target_action = 'promote'",
  ]);
  writeFileSync(join(restoredDir, "recovery.signal"), "");
  if (process.getuid?.() === 0) await run("chown", ["-R", "postgres:postgres", restoredDir]);
  await start(restoredDir);
  started.push(restoredDir);
  for (let i = 0; i < 100; i++) {
    if ((await sql(restoredPort, "SELECT pg_is_in_recovery() AS r")).rows[0].r === false) break;
    await new Promise((r) => setTimeout(r, 100));
  }

  t.equal((await sql(restoredPort, "SELECT pg_is_in_recovery() AS r")).rows[0].r, false, "promoted: accepts writes");
  const rows = (await sql(restoredPort, "SELECT id, note FROM bills ORDER BY id")).rows;
  t.same(
    rows.map((r) => r.id),
    [1, 2],
    "every row committed before the target is back, the DELETE and what followed it are not",
  );
  const primaryRows = (await sql(primaryPort, "SELECT id FROM bills")).rows.map((r) => r.id);
  t.same(primaryRows, [3], "the primary still shows the accident (it was left alone)");
});
