/**
 * A free loopback port for a child process or server a test or tool starts. Picked below the
 * kernel's ephemeral range (32768-60999 on Linux): a port from `listen(0)` comes from that range,
 * and between our check and the child's own listen an outgoing connection (to PostgreSQL, moto,
 * anything) can take it as its local port: EADDRINUSE (a chaos run's simulator, 2026-12-02).
 */
import { createServer } from "node:net";

const LOW = 20_000;
const HIGH = 32_000;

function tryListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (await tryListen(port)) return port;
  }
  throw new Error(`no free port in ${LOW}-${HIGH} after 200 tries`);
}
