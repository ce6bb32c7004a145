/**
 * Process supervisor: starts a child with its output appended to a log file, kills it with SIGKILL
 * on purpose (counted as a kill) and restarts it. A child that dies without being told to is a
 * finding: it is counted as an unexpected exit (with its code or signal, and whether it had come
 * up) and restarted, so one crash does not end the run but shows in the summary.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";

export interface ProcessSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Record<string, string | undefined>;
  readonly cwd: string;
  readonly logPath: string;
  /** Text the child prints once it is up (e.g. "worker started"); an exit before it is a boot failure. */
  readonly readyMarker?: string;
}

export interface UnexpectedExit {
  readonly name: string;
  readonly code: number | null;
  readonly signal: string | null;
  readonly at: string;
  /** false: it died while starting (e.g. its database was down at that moment). */
  readonly afterReady: boolean;
}

export class Supervised {
  readonly spec: ProcessSpec;
  starts = 0;
  kills = 0;
  readonly unexpectedExits: UnexpectedExit[] = [];
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  #intended = false;
  #stopped = false;
  #ready = false;
  readonly #log: WriteStream;

  constructor(spec: ProcessSpec) {
    this.spec = spec;
    this.#log = createWriteStream(spec.logPath, { flags: "a" });
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child !== null;
  }

  /** Resolves once the child printed its ready marker (immediately when it has none). */
  async waitReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(this.#child && this.#ready)) {
      if (Date.now() > deadline) throw new Error(`${this.spec.name} did not start; see ${this.spec.logPath}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  start(): void {
    if (this.#child || this.#stopped) return;
    const child = spawn(this.spec.command, [...this.spec.args], {
      cwd: this.spec.cwd,
      env: this.spec.env as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.starts++;
    this.#intended = false;
    this.#ready = this.spec.readyMarker === undefined;
    this.#child = child;
    const marker = this.spec.readyMarker;
    for (const stream of [child.stdout, child.stderr]) {
      stream.on("data", (chunk: Buffer) => {
        this.#log.write(chunk);
        if (!this.#ready && marker && chunk.toString().includes(marker)) this.#ready = true;
      });
    }
    this.#exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.#child = null;
        if (!this.#intended && !this.#stopped) {
          this.unexpectedExits.push({
            name: this.spec.name,
            code,
            signal,
            at: new Date().toISOString(),
            afterReady: this.#ready,
          });
          // Keep the run going: a crashed process comes back, the crash stays in the summary.
          setTimeout(() => this.start(), 500).unref();
        }
        resolve();
      });
    });
  }

  /** SIGKILL now (no grace, no clean-up in the child); resolves when it is gone. */
  async kill9(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#intended = true;
    this.kills++;
    child.kill("SIGKILL");
    await this.#exited;
  }

  /** SIGTERM, then SIGKILL after graceMs; no restart afterwards. */
  async stop(graceMs = 5_000): Promise<void> {
    this.#stopped = true;
    const child = this.#child;
    if (!child) return;
    this.#intended = true;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await this.#exited;
    clearTimeout(timer);
    this.#log.end();
  }
}
