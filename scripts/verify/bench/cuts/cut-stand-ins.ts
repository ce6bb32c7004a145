/** The performance stand-ins a cut measures against, started for the script (logs in bench-results/logs). */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type PerfStandIns, startPerfStandIns } from "../../stand-ins/perf-stand-ins.ts";
import { freePort, ROOT } from "../stack.ts";

export async function cutStandIns(): Promise<PerfStandIns> {
  const logDir = join(ROOT, "bench-results", "logs");
  mkdirSync(logDir, { recursive: true });
  const standIns = await startPerfStandIns(ROOT, logDir, { s3: await freePort(), sqs: await freePort() });
  // The stand-ins check no signature, but the SDK needs credentials to sign with.
  process.env.AWS_ACCESS_KEY_ID ??= "test";
  process.env.AWS_SECRET_ACCESS_KEY ??= "test";
  return standIns;
}
