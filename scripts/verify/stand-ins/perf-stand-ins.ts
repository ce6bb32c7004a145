/**
 * Stand-ins for performance runs, started fresh for one run and stopped with it: S3 from moto's app
 * under gunicorn (threads, keep-alive; the chaos run's) or from gofakes3 (Go, in memory; the bench's),
 * SQS from ElasticMQ (JVM, keep-alive). Measured against plain moto_server (bench README, "Stand-ins
 * for performance runs"): moto answers `Connection: close` and spends ~24 ms of its CPU per
 * SendMessage, so its SQS caps a run at ~37 sends/s; under gunicorn its S3 still spends ~3.7 ms per
 * 100 KiB put, which capped both sides of the bench's comparison near the same ~200 bills/s.
 * moto stays the correctness stand-in for tests; ensure_perf_stand_ins and ensure_gofakes3 install these.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";

export interface PerfStandIns {
  readonly s3Url: string;
  readonly sqsUrl: string;
  readonly description: string;
  /** gofakes3 has no PutBucketEncryption: buckets get no default encryption (the service sends SSE headers per put). */
  readonly bucketEncryption: boolean;
  /** Process ids whose CPU the bench reads from /proc (gunicorn's worker, the JVM). */
  readonly pids: { readonly s3: number; readonly sqs: number };
  stop(): Promise<void>;
}

export const GUNICORN = ".tools/venv/bin/gunicorn";
export const ELASTICMQ_LIB = ".tools/elasticmq/lib";
export const GOFAKES3 = ".tools/gofakes3/gofakes3";

/** moto under gunicorn: versioning, Object Lock and bucket encryption as tests see them. gofakes3: ~6x less CPU per put. */
export type S3StandIn = "moto" | "gofakes3";

/** user + system CPU of a process, ms (clock ticks are 100 Hz on Linux). */
export function procCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function ready(url: string, name: string, log: string, init?: RequestInit): Promise<void> {
  for (let i = 0; i < 150; i += 1) {
    const ok = await fetch(url, init).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ok) return;
    await delay(200);
  }
  throw new Error(`${name} did not start at ${url}; see ${log}`);
}

/** gunicorn forks its worker: the worker serves (and burns the CPU), the master only supervises. */
function childPid(parent: number): number {
  const children = readFileSync(`/proc/${parent}/task/${parent}/children`, "utf8").trim().split(/\s+/);
  return Number(children[0] ?? parent) || parent;
}

type Start = (name: string, cmd: string, args: string[]) => ChildProcess;

/** SIGTERMs every process still running and waits for each to exit. */
async function stopAll(procs: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    procs
      .filter((p) => p.exitCode === null && p.signalCode === null)
      .map(async (p) => {
        const exited = once(p, "exit");
        p.kill("SIGTERM");
        await exited;
      }),
  );
}

function startGunicorn(start: Start, root: string, port: number): ChildProcess {
  return start("s3-stand-in", join(root, GUNICORN), [
    ...["-k", "gthread", "-w", "1", "--threads", "8", "--keep-alive", "75"],
    ...["-b", `127.0.0.1:${port}`, "--chdir", join(root, "scripts/verify/stand-ins"), "moto_wsgi:app"],
  ]);
}

function startGofakes3(start: Start, root: string, port: number): ChildProcess {
  return start("s3-stand-in", join(root, GOFAKES3), ["-backend", "memory", "-host", `127.0.0.1:${port}`, "-quiet"]);
}

function startElasticMq(start: Start, root: string, logDir: string, port: number): ChildProcess {
  const conf = join(logDir, "elasticmq.conf");
  writeFileSync(
    conf,
    `include classpath("application.conf")
node-address { protocol = http, host = "*", port = ${port}, context-path = "" }
rest-sqs { enabled = true, bind-port = ${port}, bind-hostname = "127.0.0.1", sqs-limits = strict }
rest-stats { enabled = false }
`,
  );
  return start("sqs-stand-in", "java", [
    // C1 only: C2's compiler threads cost more CPU over a short run than they save.
    ...["-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", `-Dconfig.file=${conf}`],
    ...["-cp", `${join(root, ELASTICMQ_LIB)}/*`, "org.elasticmq.server.Main"],
  ]);
}

export async function startPerfStandIns(
  root: string,
  logDir: string,
  ports: { readonly s3: number; readonly sqs: number },
  s3Kind: S3StandIn = "moto",
): Promise<PerfStandIns> {
  for (const path of [s3Kind === "moto" ? GUNICORN : GOFAKES3, ELASTICMQ_LIB]) {
    if (!existsSync(join(root, path))) throw new Error(`${path} is missing: run the bench through npm run bench`);
  }
  const procs: ChildProcess[] = [];
  const start: Start = (name, cmd, args) => {
    const log = openSync(join(logDir, `${name}.log`), "w");
    const child = spawn(cmd, args, { cwd: root, stdio: ["ignore", log, log] });
    procs.push(child);
    return child;
  };
  const stop = () => stopAll(procs);
  try {
    const s3 = s3Kind === "moto" ? startGunicorn(start, root, ports.s3) : startGofakes3(start, root, ports.s3);
    const jvm = startElasticMq(start, root, logDir, ports.sqs);
    const s3Url = `http://127.0.0.1:${ports.s3}`;
    const sqsUrl = `http://127.0.0.1:${ports.sqs}`;
    const s3Log = join(logDir, "s3-stand-in.log");
    if (s3Kind === "moto") await ready(`${s3Url}/moto-api/reset`, "gunicorn (moto S3)", s3Log, { method: "POST" });
    else await ready(`${s3Url}/`, "gofakes3", s3Log);
    await ready(`${sqsUrl}/?Action=ListQueues`, "ElasticMQ", join(logDir, "sqs-stand-in.log"));
    return {
      s3Url,
      sqsUrl,
      description:
        s3Kind === "moto"
          ? "S3: moto under gunicorn (gthread, 8 threads, keep-alive); SQS: ElasticMQ"
          : "S3: gofakes3 (in memory, keep-alive); SQS: ElasticMQ",
      bucketEncryption: s3Kind === "moto",
      pids: { s3: s3Kind === "moto" ? childPid(s3.pid ?? 0) : (s3.pid ?? 0), sqs: jvm.pid ?? 0 },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
