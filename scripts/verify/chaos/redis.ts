/**
 * A Redis of the chaos run's own (child process, its own port, no persistence), so restarting it
 * harms nobody else. A restart is SIGKILL, a pause, and a fresh empty server on the same port:
 * locks, limiter windows, the breaker and the token cache are all gone, as after a failover.
 */
import { connect } from "node:net";
import { type ProcessSpec, Supervised } from "./supervisor.ts";

/** Resolves once the server answers PING (or rejects after timeoutMs). */
export async function waitForRedis(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, "127.0.0.1");
      s.setTimeout(500, () => s.destroy());
      s.once("connect", () => s.write("PING\r\n"));
      s.once("data", (d) => {
        s.destroy();
        resolve(d.toString().startsWith("+PONG"));
      });
      s.once("error", () => resolve(false));
      s.once("close", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis on port ${port} did not answer PING`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export class ChaosRedis {
  readonly port: number;
  readonly proc: Supervised;
  restarts = 0;

  constructor(port: number, base: Omit<ProcessSpec, "name" | "command" | "args">) {
    this.port = port;
    this.proc = new Supervised({
      ...base,
      name: "redis",
      command: "redis-server",
      args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", base.cwd],
    });
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.proc.start();
    await waitForRedis(this.port);
  }

  async restart(downMs: number): Promise<void> {
    await this.proc.kill9();
    this.restarts++;
    await new Promise((r) => setTimeout(r, downMs));
    await this.start();
  }

  stop(): Promise<void> {
    return this.proc.stop(2_000);
  }
}
