/**
 * Runs a process of the system the way production does, with one role's access keys: its real entry
 * point (or a runner beside this file where the entry point builds its clients inline), the
 * capture preload (capture.ts) recording each AWS command it sends.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { Test } from "tap";
import type { Env } from "../../../lib/config.ts";
import type { RoleKey } from "./policies.ts";
import type { AccessKey } from "./stand-in.ts";

const CAPTURE = fileURLToPath(new URL("./capture.ts", import.meta.url));
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export interface Running {
  readonly child: ChildProcess;
  readonly output: () => string;
  stop(): Promise<void>;
}

export interface Launch {
  readonly role: RoleKey;
  readonly key: AccessKey;
  /** Path from the repository root, e.g. `service/src/server.ts`. */
  readonly script: string;
  readonly args?: readonly string[];
  readonly env: Env;
  readonly captureFile: string;
}

export function launch(t: Test, l: Launch): Running {
  // Never AWS: every process talks to the stand-in world.ts pointed process.env at.
  const standIn = process.env.AWS_ENDPOINT_URL;
  if (!standIn?.startsWith("http://127.0.0.1:")) throw new Error("AWS_ENDPOINT_URL must be the local stand-in");
  const child = spawn(process.execPath, ["--import", CAPTURE, `${ROOT}${l.script}`, ...(l.args ?? [])], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...l.env,
      AWS_ENDPOINT_URL: standIn,
      AWS_REGION: process.env.AWS_REGION,
      AWS_ACCESS_KEY_ID: l.key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: l.key.secretAccessKey,
      IAM_CAPTURE_FILE: l.captureFile,
      IAM_CAPTURE_ROLE: l.role,
    } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const keep = (d: unknown) => {
    out = (out + String(d)).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = once(child, "exit");
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  t.teardown(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  return { child, output: () => out, stop };
}

/** Runs to its end; resolves with the exit code and the output. */
export async function run(t: Test, l: Launch): Promise<{ code: number | null; output: string }> {
  const r = launch(t, l);
  const [code] = (await once(r.child, "exit")) as [number | null];
  return { code, output: r.output() };
}
