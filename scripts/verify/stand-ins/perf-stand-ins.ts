/**
 * Stand-ins for performance runs, started fresh for one bench run and stopped with it: S3 from
 * moto's app under gunicorn (threads, keep-alive), SQS from ElasticMQ (JVM, keep-alive). Measured
 * against plain moto_server (README, "Stand-ins for performance runs"): moto answers
 * `Connection: close` and spends ~24 ms of its CPU per SendMessage, so its SQS caps a run at ~37
 * sends/s. moto stays the correctness stand-in for tests; run.sh installs both (ensure_perf_stand_ins).
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
  /** Process ids whose CPU the bench reads from /proc (gunicorn's worker, the JVM). */
  readonly pids: { readonly s3: number; readonly sqs: number };
  stop(): Promise<void>;
}

export const GUNICORN = ".tools/venv/bin/gunicorn";
export const ELASTICMQ_LIB = ".tools/elasticmq/lib";

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
): Promise<PerfStandIns> {
  for (const path of [GUNICORN, ELASTICMQ_LIB]) {
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
    const gunicorn = startGunicorn(start, root, ports.s3);
    const jvm = startElasticMq(start, root, logDir, ports.sqs);
    const s3Url = `http://127.0.0.1:${ports.s3}`;
    const sqsUrl = `http://127.0.0.1:${ports.sqs}`;
    await ready(`${s3Url}/moto-api/reset`, "gunicorn (moto S3)", join(logDir, "s3-stand-in.log"), { method: "POST" });
    await ready(`${sqsUrl}/?Action=ListQueues`, "ElasticMQ", join(logDir, "sqs-stand-in.log"));
    return {
      s3Url,
      sqsUrl,
      description: "S3: moto under gunicorn (gthread, 8 threads, keep-alive); SQS: ElasticMQ",
      pids: { s3: childPid(gunicorn.pid ?? 0), sqs: jvm.pid ?? 0 },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
