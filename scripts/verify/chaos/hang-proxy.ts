/**
 * A TCP proxy in front of Redis or PostgreSQL that can hang: while hung it keeps every connection
 * open and accepts new ones, but forwards nothing either way (as when packets are dropped by a
 * broken network path or a frozen server). Clients see no error and no close, only silence, so
 * only their own timeouts get them out. When the hang ends the held bytes go through, in order,
 * as after a network partition heals (TCP retransmits).
 */
import { connect, createServer, type Server, type Socket } from "node:net";

interface Pipe {
  readonly from: Socket;
  readonly to: Socket;
  readonly held: Buffer[];
}

export class HangProxy {
  readonly name: string;
  readonly targetPort: number;
  #server: Server | undefined;
  #port = 0;
  #hung = false;
  readonly #pipes = new Set<Pipe>();
  hangs = 0;

  constructor(name: string, targetPort: number) {
    this.name = name;
    this.targetPort = targetPort;
  }

  get port(): number {
    return this.#port;
  }

  get hung(): boolean {
    return this.#hung;
  }

  async start(): Promise<number> {
    const server = createServer((client) => this.#accept(client));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const addr = server.address();
    this.#port = typeof addr === "object" && addr ? addr.port : 0;
    return this.#port;
  }

  #accept(client: Socket): void {
    const upstream = connect(this.targetPort, "127.0.0.1");
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      const pipe: Pipe = { from, to, held: [] };
      this.#pipes.add(pipe);
      from.on("data", (chunk: Buffer) => (this.#hung ? pipe.held.push(chunk) : to.write(chunk)));
      from.once("close", () => {
        this.#pipes.delete(pipe);
        close();
      });
      from.on("error", close);
    }
  }

  /** Stops forwarding for ms, then lets the held bytes through. */
  async hang(ms: number): Promise<void> {
    this.#hung = true;
    this.hangs++;
    await new Promise((r) => setTimeout(r, ms));
    this.#hung = false;
    for (const p of this.#pipes) {
      for (const chunk of p.held.splice(0)) if (!p.to.destroyed) p.to.write(chunk);
    }
  }

  async stop(): Promise<void> {
    for (const p of this.#pipes) p.from.destroy();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}
